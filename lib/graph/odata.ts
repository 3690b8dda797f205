/** OData literals for Graph $filter: a string literal doubles its single quotes, and the query value is URL-encoded. */

export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `field eq 'value'`, ready to put after `$filter=` in a URL. */
export function filterEquals(field: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9/]*$/.test(field)) throw new Error(`'${field}' is not an OData property path.`);
  return encodeURIComponent(`${field} eq ${odataString(value)}`);
}
