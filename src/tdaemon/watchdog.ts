export async function runWatchdog(pidfile: string, statefile: string, name: string): Promise<number> {
  void pidfile; void statefile; void name;
  return 1;
}
