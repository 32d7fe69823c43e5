import { definitions } from './profiles.js';

interface Playbook {
  name: string;
  enabled: boolean;
  trigger: { kinds: string[]; minSeverity: string };
  steps: { action: string }[];
}

const USAGE = 'usage: fleetward playbooks [list] | show <name> | set --file F.(json|yaml) | delete <name>';

/** `fleetward playbooks`: response playbooks (trigger on alert kind and severity, ordered steps), as data. */
export async function playbooks(argv: string[]): Promise<number> {
  return definitions(argv, 'playbooks', USAGE, (p: Playbook) => ({
    name: p.name,
    enabled: p.enabled,
    kinds: p.trigger.kinds.join(','),
    minSeverity: p.trigger.minSeverity,
    steps: p.steps.map((s) => s.action).join(' > '),
  }));
}
