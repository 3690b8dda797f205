/** Resolves when the person stops a foreground command (Ctrl+C) or the system asks the process to end. */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
