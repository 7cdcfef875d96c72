import { Faults, RpcFault, splitNamespec } from '../../control/protocol';
import type { SupervisedProcess } from './process';

/**
 * The processes of the running config, by group, in supervisor's order. The
 * one place that resolves names (`name`, `group:name`, `group:*`) to
 * processes, for the control face and the supervisor alike.
 */
export class ProcessTable {
  /** group name -> its processes, by process name. */
  private readonly groups = new Map<string, Map<string, SupervisedProcess>>();
  /** group name -> its priority (lower starts first, stops last). */
  private readonly priorities = new Map<string, number>();

  add(group: string, priority: number, process: SupervisedProcess): void {
    if (!this.groups.has(group)) this.groups.set(group, new Map());
    this.groups.get(group)!.set(process.spec.name, process);
    this.priorities.set(group, priority);
  }

  removeProcess(group: string, name: string): void {
    this.groups.get(group)?.delete(name);
  }

  removeGroup(group: string): void {
    this.groups.delete(group);
    this.priorities.delete(group);
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Every process, sorted by group name then process name (supervisor's lexical order). */
  all(): SupervisedProcess[] {
    return this.groupNames().flatMap((group) => [...this.groups.get(group)!.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1)));
  }

  /** Every process, in start order: priority, then name. */
  byPriority(): SupervisedProcess[] {
    return this.all().sort((a, b) => a.spec.priority - b.spec.priority || (a.spec.namespec < b.spec.namespec ? -1 : 1));
  }

  inGroup(group: string): SupervisedProcess[] {
    const members = this.groups.get(group);
    if (!members) throw new RpcFault(Faults.BAD_NAME, group);
    return [...members.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
  }

  /** One process by `name` or `group:name`; BAD_NAME when unknown. */
  one(namespec: string): SupervisedProcess {
    const [group, name] = splitNamespec(namespec);
    const process = name === null ? undefined : this.groups.get(group)?.get(name);
    if (!process) throw new RpcFault(Faults.BAD_NAME, namespec);
    return process;
  }

  find(namespec: string): SupervisedProcess | undefined {
    try {
      return this.one(namespec);
    } catch {
      return undefined;
    }
  }
}
