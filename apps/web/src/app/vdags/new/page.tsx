"use client";

import { useState } from "react";
import { VdagEditorLoader } from "@/components/vdags/editor/editor-loader";
import { newDocument } from "@/lib/vdag/document";

export default function NewVdagPage() {
  const [initial] = useState(() => newDocument());
  return <VdagEditorLoader initial={initial} />;
}
