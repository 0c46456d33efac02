-- CreateTable
CREATE TABLE "pre_check_policies" (
    "action" TEXT NOT NULL,
    "policy_rule_uri" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pre_check_policies_pkey" PRIMARY KEY ("action")
);

-- CreateIndex
CREATE INDEX "pre_check_policies_policy_rule_uri_idx" ON "pre_check_policies"("policy_rule_uri");

-- AddForeignKey
ALTER TABLE "pre_check_policies" ADD CONSTRAINT "pre_check_policies_policy_rule_uri_fkey" FOREIGN KEY ("policy_rule_uri") REFERENCES "policies"("policy_rule_uri") ON DELETE RESTRICT ON UPDATE CASCADE;
