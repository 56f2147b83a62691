/** `[node, [script]]` for a package's bin: `tool(root, 'typescript', 'tsc')`. */
export function tool(root: string, pkg: string, binName?: string): [string, string[]];
