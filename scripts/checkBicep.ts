/**
 * Offline Bicep syntax check: parses every .bicep file under a folder with tree-sitter-bicep and
 * reports ERROR and MISSING nodes as file:line:col. There is no Bicep compiler in CI; this catches
 * broken syntax (unbalanced braces, stray tokens, missing values) before a cloud `bicep build` does.
 *
 * The grammar predates extension declarations (`extension microsoftGraphV1`), so those lines are checked here
 * on their own and blanked before parsing; and every Microsoft Graph resource must be a documented v1.0 type of
 * the Microsoft Graph Bicep extension, in a file that declares it, with the alias in bicepconfig.json.
 *
 * Usage: node bin/run-ts.js scripts/checkBicep.ts [folder]   (default: infra)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Language, Parser, type Node } from 'web-tree-sitter';

export interface SyntaxProblem {
  kind: 'ERROR' | 'MISSING';
  /** 1-based, like editors and compilers report them. */
  line: number;
  column: number;
  message: string;
}

export interface FileProblems {
  file: string;
  problems: SyntaxProblem[];
}

let parserPromise: Promise<Parser> | undefined;

/** One parser per process: loading the two WebAssembly modules is the slow part. */
export function loadBicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bicep/tree-sitter-bicep.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(wasm));
    return parser;
  })();
  return parserPromise;
}

/** `extension <alias>` (configured in bicepconfig.json) or `extension '<registry ref>' [as alias]`. */
const EXTENSION = /^extension(?=\s)(.*)$/;
const EXTENSION_FORM = /^\s+(?:[A-Za-z_][A-Za-z0-9_]*|'[^'\s]+'(?:\s+as\s+[A-Za-z_][A-Za-z0-9_]*)?)\s*(?:\/\/.*)?$/;

/** The Microsoft Graph Bicep resource types of the v1.0 extension (Microsoft Graph Bicep reference, overview). */
export const GRAPH_RESOURCE_TYPES = [
  'Microsoft.Graph/applications',
  'Microsoft.Graph/applications/federatedIdentityCredentials',
  'Microsoft.Graph/appRoleAssignedTo',
  'Microsoft.Graph/groups',
  'Microsoft.Graph/oauth2PermissionGrants',
  'Microsoft.Graph/servicePrincipals',
  'Microsoft.Graph/users',
];
export const GRAPH_EXTENSION_ALIAS = 'microsoftGraphV1';
const GRAPH_EXTENSION_REF = /^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d+\.\d+\.\d+$/;

/** Extension declarations blanked (same length, so positions stay true), plus problems with their form. */
export function maskExtensions(source: string): { source: string; problems: SyntaxProblem[]; aliases: string[] } {
  const problems: SyntaxProblem[] = [];
  const aliases: string[] = [];
  const lines = source.split('\n').map((line, i) => {
    const m = EXTENSION.exec(line);
    if (!m) return line;
    if (!EXTENSION_FORM.test(m[1] ?? ''))
      problems.push({
        kind: 'ERROR',
        line: i + 1,
        column: 1,
        message: `malformed extension declaration '${line.trim().slice(0, 60)}'`,
      });
    else aliases.push(/\bas\s+(\w+)/.exec(m[1] ?? '')?.[1] ?? (m[1] ?? '').replace(/\/\/.*$/, '').trim());
    return ' '.repeat(line.length);
  });
  return { source: lines.join('\n'), problems, aliases };
}

/** Graph resources: documented v1.0 types only, and only in a file that declares the Graph extension. */
export function graphExtensionProblems(source: string, configuredAliases: readonly string[]): SyntaxProblem[] {
  const { aliases } = maskExtensions(source);
  const problems: SyntaxProblem[] = [];
  source.split('\n').forEach((line, i) => {
    const m = /^\s*resource\s+\w+\s+'(Microsoft\.Graph\/[^@']+)@([^']+)'/.exec(line);
    if (!m) return;
    const at = { line: i + 1, column: line.indexOf("'") + 1 };
    if (!GRAPH_RESOURCE_TYPES.includes(m[1] ?? '') || m[2] !== 'v1.0')
      problems.push({
        kind: 'ERROR',
        ...at,
        message: `'${m[1]}@${m[2]}' is not a Microsoft Graph Bicep v1.0 resource type`,
      });
    if (!aliases.includes(GRAPH_EXTENSION_ALIAS))
      problems.push({
        kind: 'ERROR',
        ...at,
        message: `Microsoft Graph resource without 'extension ${GRAPH_EXTENSION_ALIAS}' in the file`,
      });
    else if (!configuredAliases.includes(GRAPH_EXTENSION_ALIAS))
      problems.push({ kind: 'ERROR', ...at, message: `bicepconfig.json has no extensions.${GRAPH_EXTENSION_ALIAS}` });
  });
  return problems;
}

/** Extension aliases bicepconfig.json (in the folder) maps to a Microsoft Graph v1.0 extension reference. */
export function configuredGraphAliases(folder: string): string[] {
  let config: { extensions?: Record<string, unknown> };
  try {
    config = JSON.parse(readFileSync(join(folder, 'bicepconfig.json'), 'utf8')) as typeof config;
  } catch {
    return [];
  }
  return Object.entries(config.extensions ?? {})
    .filter(([, ref]) => typeof ref === 'string' && GRAPH_EXTENSION_REF.test(ref))
    .map(([alias]) => alias);
}

export function syntaxProblems(parser: Parser, text: string): SyntaxProblem[] {
  const { source, problems: extensionProblems } = maskExtensions(text);
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree for the Bicep source');
  try {
    const problems: SyntaxProblem[] = [...extensionProblems];
    if (tree.rootNode.hasError) collect(tree.rootNode, problems);
    return problems.sort((a, b) => a.line - b.line || a.column - b.column);
  } finally {
    tree.delete();
  }
}

function collect(node: Node, problems: SyntaxProblem[]): void {
  const at = { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
  if (node.isMissing) {
    problems.push({ kind: 'MISSING', ...at, message: `missing ${node.type}` });
    return;
  }
  if (node.isError) {
    // The outermost ERROR is the useful location; its children are the tokens it could not place.
    const snippet = node.text.split('\n')[0]!.trim().slice(0, 60);
    problems.push({ kind: 'ERROR', ...at, message: `unexpected syntax near '${snippet}'` });
    return;
  }
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing)) collect(child, problems);
  }
}

export function findBicepFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...findBicepFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.bicep')) out.push(path);
  }
  return out.sort();
}

export async function checkBicepFolder(folder: string): Promise<FileProblems[]> {
  const parser = await loadBicepParser();
  const aliases = configuredGraphAliases(folder);
  return findBicepFiles(folder).map((file) => {
    const source = readFileSync(file, 'utf8');
    const problems = [...syntaxProblems(parser, source), ...graphExtensionProblems(source, aliases)].sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    return { file, problems };
  });
}

export function formatProblems(results: FileProblems[], base = process.cwd()): string[] {
  return results.flatMap(({ file, problems }) =>
    problems.map((p) => `${relative(base, file)}:${p.line}:${p.column}: ${p.kind} ${p.message}`),
  );
}

async function main(): Promise<number> {
  const folder = resolve(process.argv[2] ?? 'infra');
  const results = await checkBicepFolder(folder);
  if (results.length === 0) {
    console.error(`No .bicep files under ${folder}.`);
    return 1;
  }
  const lines = formatProblems(results);
  for (const line of lines) console.error(line);
  console.log(`${results.length} Bicep file(s) checked, ${lines.length} syntax problem(s).`);
  return lines.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
