/**
 * Offline Bicep syntax check: parses every .bicep file under a folder with tree-sitter-bicep and
 * reports ERROR and MISSING nodes as file:line:col. There is no Bicep compiler in CI; this catches
 * broken syntax (unbalanced braces, stray tokens, missing values) before a cloud `bicep build` does.
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

export function syntaxProblems(parser: Parser, source: string): SyntaxProblem[] {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree for the Bicep source');
  try {
    const problems: SyntaxProblem[] = [];
    if (tree.rootNode.hasError) collect(tree.rootNode, problems);
    return problems;
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
  return findBicepFiles(folder).map((file) => ({ file, problems: syntaxProblems(parser, readFileSync(file, 'utf8')) }));
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
