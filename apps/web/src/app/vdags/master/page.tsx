"use client";

import { MasterDagView } from "@/components/vdags/master/master-dag";

export default function MasterDagPage() {
  return <MasterDagView />;
}
