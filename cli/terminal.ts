/** Text made safe for a terminal. */

/** Tenant-controlled names and service messages must not smuggle terminal escape sequences or fake lines. */
export function terminalSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}
