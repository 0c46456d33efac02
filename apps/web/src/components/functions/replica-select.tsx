import type { TPolicyFunctionRecord } from "@aios/contracts";
import { Select } from "@/components/ui/input";

/** Which replica a call goes to: any ready one (the API's round robin) or one by index. */
export function ReplicaSelect({
  fn,
  value,
  onChange,
  id,
  testId,
}: {
  fn: TPolicyFunctionRecord;
  value: string;
  onChange: (value: string) => void;
  id: string;
  testId: string;
}) {
  const ready = fn.replicaStates.filter((r) => r.status === "ready");
  return (
    <Select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">any ready replica</option>
      {ready.map((r) => (
        <option key={r.index} value={String(r.index)}>
          replica {r.index}
        </option>
      ))}
    </Select>
  );
}

/** The `replica` field of a call: absent for "any". */
export const replicaInput = (value: string) => (value === "" ? {} : { replica: Number(value) });
