import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Command } from "@/components/ui/command";
import { CLI } from "@/lib/cli";

const STEPS = [
  { title: "Register components", command: CLI.applyComponents },
  { title: "List what the registry holds", command: "npx aios get components" },
  { title: "Inspect the network", command: "npx aios get nodes -o json" },
];

export function GettingStarted() {
  return (
    <Card className="h-full">
      <CardHeader
        title="From the command line"
        description="Everything here can also be done with the aios CLI"
      />
      <CardBody className="space-y-4">
        {STEPS.map((s, i) => (
          <div key={s.title}>
            <p className="mb-1.5 text-xs font-medium text-zinc-500">
              <span className="mr-1.5 inline-flex size-4 items-center justify-center rounded-full bg-accent-50 text-[10px] text-accent-700">
                {i + 1}
              </span>
              {s.title}
            </p>
            <Command command={s.command} />
          </div>
        ))}
      </CardBody>
    </Card>
  );
}
