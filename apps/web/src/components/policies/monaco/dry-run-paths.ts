/** Model paths of the dry-run panel's editors; JSON schemas are attached to them by path. */
export const DRY_RUN_PATHS = {
  input: "file:///dry-run/input.json",
  settings: "file:///dry-run/settings.json",
  parameters: "file:///dry-run/parameters.json",
} as const;

export type DryRunField = keyof typeof DRY_RUN_PATHS;
