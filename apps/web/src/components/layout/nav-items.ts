import {
  Activity,
  Blocks,
  Boxes,
  ClipboardCheck,
  Container,
  Cpu,
  FileText,
  FunctionSquare,
  GitFork,
  KeyRound,
  LayoutDashboard,
  ListChecks,
  type LucideIcon,
  Network,
  Package,
  ScrollText,
  ShieldCheck,
  Workflow,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  description: string;
  /** Shown only to principals holding this role (the page says so to the others). */
  minRole?: "admin";
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", icon: LayoutDashboard, description: "The network at a glance" },
  { href: "/network", label: "Network", icon: Network, description: "Clusters and their nodes" },
  { href: "/components", label: "Components", icon: Boxes, description: "Registered component specs" },
  { href: "/assets", label: "Assets", icon: Package, description: "Component bundles and model files" },
  {
    href: "/container-registries",
    label: "Container registries",
    icon: Container,
    description: "Container registries components pull images from",
  },
  { href: "/blocks", label: "Blocks", icon: Blocks, description: "Running workloads" },
  { href: "/vdags", label: "vDAGs", icon: Workflow, description: "Virtual DAGs of blocks" },
  {
    href: "/quality",
    label: "Quality audit",
    icon: ClipboardCheck,
    description: "Sampled vDAG answers waiting for a reviewer's verdict",
  },
  { href: "/metrics", label: "Metrics", icon: Activity, description: "Current figures of the network" },
  { href: "/specs", label: "Specs", icon: FileText, description: "Stored spec documents, applied by URI" },
  { href: "/policies", label: "Policies", icon: ShieldCheck, description: "Policy rules" },
  {
    href: "/functions",
    label: "Functions",
    icon: FunctionSquare,
    description: "Policies running as replicas on a cluster",
  },
  { href: "/graphs", label: "Graphs", icon: GitFork, description: "Static DAGs of policy functions" },
  { href: "/jobs", label: "Jobs", icon: ListChecks, description: "Policies run once on a cluster" },
  { href: "/executors", label: "Executors", icon: Cpu, description: "Policy executors you deploy" },
  { href: "/tokens", label: "Tokens", icon: KeyRound, description: "Who may call the API", minRole: "admin" },
  {
    href: "/audit",
    label: "Audit",
    icon: ScrollText,
    description: "Who changed or ran what",
    minRole: "admin",
  },
];

/** The nav item a path belongs to (detail pages belong to their list). */
export function activeNavItem(pathname: string): NavItem | undefined {
  if (pathname === "/") return NAV_ITEMS[0];
  return NAV_ITEMS.find((item) => item.href !== "/" && pathname.startsWith(item.href));
}
