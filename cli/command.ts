/**
 * How a command is declared and parsed. A command is data (name, help, flags, positional arguments) plus
 * `parse` (pure: typed values from the flags, every problem recorded) and `run`. Commander parses and
 * renders help; the checks here collect every unknown, missing and bad flag of one call, so a person
 * fixes them all at once, and `run` only ever sees valid input.
 */
import { Command, CommanderError, Option } from 'commander';
import * as v from 'valibot';
import { toIsoDuration } from '../lib/duration.js';
import { parseInstant } from '../lib/instant.js';
import type { CliIo } from './io.js';
import { closest } from './suggest.js';

export interface FlagSpec {
  /** The long name as typed, without dashes: `principal`, `dry-run`, `no-bom`. */
  name: string;
  /** The value's placeholder in help (`UPN`); absent for a boolean flag. */
  value?: string;
  description: string;
  required?: boolean;
}

/** The --json flag of a command; `what` says what it prints (docs/cli.md has the schema of every --json output). */
export function jsonFlag(what = 'one JSON document'): FlagSpec {
  return { name: 'json', description: `print ${what} (schema in docs/cli.md)` };
}

export interface ArgumentSpec {
  name: string;
  description: string;
}

/** One thing wrong with a call, named as the person typed it (`--duration`, `<id>`, `grnat`). */
export interface Problem {
  name: string;
  message: string;
  suggestion?: string;
}

/** Bad arguments: exit code 2, every problem of the call, and where to find the usage. */
export class UsageError extends Error {
  constructor(
    readonly problems: Problem[],
    /** The command path, `grant request`, for the usage hint. */
    readonly command = '',
    /** Its usage line, `grant request --principal <UPN> ... [options]`. */
    readonly usage?: string,
  ) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'UsageError';
  }
}

export interface LeafSpec<T> {
  name: string;
  summary: string;
  description?: string;
  args?: ArgumentSpec[];
  flags: FlagSpec[];
  /** Help lines shown after the options. */
  notes?: string[];
  /** Typed values from the call; problems go to `input.problem`. Runs before any setting is read. */
  parse(input: FlagInput): T;
  run(values: T, io: CliIo): Promise<number>;
}

export interface GroupSpec {
  name: string;
  summary: string;
  description?: string;
  commands: CommandSpec[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of leaves holds each its own value type
export type CommandSpec = LeafSpec<any> | GroupSpec;

/** Declares a leaf with its value type checked between `parse` and `run`. */
export function leaf<T>(spec: LeafSpec<T>): LeafSpec<T> {
  return spec;
}

const isGroup = (spec: CommandSpec): spec is GroupSpec => 'commands' in spec;

/** The values of one call, read through checks that record a problem instead of throwing. */
export class FlagInput {
  readonly problems: Problem[] = [];

  constructor(
    private readonly values: ReadonlyMap<string, string | boolean | undefined>,
    readonly args: string[],
  ) {}

  problem(name: string, message: string, suggestion?: string): void {
    this.problems.push(suggestion ? { name, message, suggestion } : { name, message });
  }

  has(name: string): boolean {
    return this.problems.some((p) => p.name === `--${name}`);
  }

  /** A value flag as typed (undefined when not given). */
  text(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** A required value; missing ones are already recorded, so the placeholder never reaches `run`. */
  required(name: string): string {
    return this.text(name) ?? '';
  }

  /** ISO 8601 (PT4H) or the short form (4h, 3d, 90m, 1d12h), as canonical ISO 8601 text. */
  duration(name: string): string | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const iso = toIsoDuration(text);
    if (iso === undefined)
      this.problem(
        `--${name}`,
        `--${name} '${text}' is not a duration; use 4h, 3d, 90m, 1d12h or ISO 8601 such as PT4H.`,
      );
    return iso;
  }

  /** An instant (ISO 8601 date or date-time with a zone), normalized. */
  instant(name: string): string | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const value = parseInstant(text);
    if (!value)
      this.problem(
        `--${name}`,
        `--${name} '${text}' is not an ISO 8601 date or date-time with a zone (for example 2026-01-01 or 2026-01-01T00:00:00Z).`,
      );
    return value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
      this.problem(`--${name}`, `--${name} is '${text}'; use a whole number from ${min} to ${max}.`);
      return undefined;
    }
    return n;
  }

  choice<C extends string>(name: string, choices: readonly C[], fallback: C): C {
    const text = this.text(name);
    if (text === undefined) return fallback;
    if ((choices as readonly string[]).includes(text)) return text as C;
    this.problem(
      `--${name}`,
      `--${name} must be one of ${choices.join(', ')} (got '${text}').`,
      closest(text, choices),
    );
    return fallback;
  }

  /**
   * Validates a request through the API's own schema, so the CLI refuses exactly what the API refuses, and
   * names each problem by the flag that carries the field. Fields whose flag already has a problem are skipped.
   */
  schema<S extends v.GenericSchema>(schema: S, value: Record<string, unknown>, flags: Record<string, string>) {
    const present = Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined));
    const result = v.safeParse(schema, present);
    if (result.success) return result.output;
    for (const issue of result.issues) {
      const key = issue.path?.[0]?.key;
      const field = typeof key === 'string' ? key : '';
      const flag = flags[field] ?? field;
      if (this.has(flag)) continue;
      this.problem(
        `--${flag}`,
        issue.input === undefined && issue.kind === 'schema'
          ? `--${flag} is required.`
          : `--${flag}: ${issue.message}.`,
      );
    }
    // A placeholder: with a problem recorded, `run` is never called.
    return undefined as unknown as v.InferOutput<S>;
  }
}

const flagSyntax = (f: FlagSpec) => (f.value ? `--${f.name} <${f.value}>` : `--${f.name}`);

function usageLine(spec: LeafSpec<unknown>): string {
  const args = (spec.args ?? []).map((a) => `<${a.name}>`);
  const required = spec.flags.filter((f) => f.required).map(flagSyntax);
  return [...args, ...required, '[options]'].join(' ');
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Operands come before the first unknown option; after it commander cannot tell values from operands. */
function split(cmd: Command): { operands: string[]; unknown: string[] } {
  const first = cmd.args.findIndex((a) => a.length > 1 && a.startsWith('-'));
  return first < 0
    ? { operands: cmd.args, unknown: [] }
    : { operands: cmd.args.slice(0, first), unknown: cmd.args.slice(first) };
}

function buildLeaf(spec: LeafSpec<unknown>, io: CliIo, result: { code: number }): Command {
  const cmd = new Command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary)
    .usage(usageLine(spec))
    .allowUnknownOption()
    .allowExcessArguments();
  for (const a of spec.args ?? []) cmd.argument(`[${a.name}]`, a.description);
  const options = new Map<string, Option>();
  for (const f of spec.flags) {
    const option = new Option(flagSyntax(f), f.required ? `${f.description} (required)` : f.description);
    // Commander stops at a value flag typed without its value (`grant request --grantee`) and reports it alone,
    // and takes a following `--flag` as the value. Read as optional, the value is `true` when absent, and the
    // action reports it with every other problem of the call; help still shows `<UPN>`.
    if (option.required) [option.required, option.optional] = [false, true];
    cmd.addOption(option);
    options.set(f.name, option);
  }
  if (spec.notes?.length) cmd.addHelpText('after', `\n${spec.notes.join('\n')}`);
  cmd.action(async () => {
    const path = commandPath(cmd);
    const { operands, unknown } = split(cmd);
    const values = new Map<string, string | boolean | undefined>();
    const withoutValue: FlagSpec[] = [];
    for (const f of spec.flags) {
      const option = options.get(f.name) as Option;
      const value = cmd.getOptionValue(option.attributeName()) as string | boolean | undefined;
      if (f.value && value === true) withoutValue.push(f);
      // `--no-bom` sets `bom` to false; the flag counts as given then.
      values.set(f.name, option.negate ? value === false : value === true && f.value ? undefined : value);
    }
    const input = new FlagInput(values, operands);
    for (const f of withoutValue) input.problem(`--${f.name}`, `--${f.name} needs a value: ${flagSyntax(f)}.`);
    const known = [...options.keys(), 'help'].map((n) => `--${n}`);
    for (const token of unknown.filter((t) => t.startsWith('-'))) {
      const name = token.split('=')[0] ?? token;
      input.problem(name, `Unknown option '${name}'.`, closest(name, known));
    }
    const wanted = spec.args ?? [];
    if (!unknown.length && operands.length !== wanted.length) {
      const names = wanted.map((a) => `<${a.name}>`).join(' ');
      input.problem(
        names || operands.join(' '),
        wanted.length
          ? `${path} needs exactly ${wanted.length === 1 ? `one ${wanted[0]?.description ?? 'argument'}` : `${wanted.length} arguments (${names})`}.`
          : `${path} takes no positional arguments (got '${operands.join(' ')}').`,
      );
    }
    for (const f of spec.flags)
      if (f.required && values.get(f.name) === undefined && !withoutValue.includes(f))
        input.problem(`--${f.name}`, `--${f.name} is required.`);
    const parsed = spec.parse(input);
    if (input.problems.length) throw new UsageError(input.problems, path, `${path} ${cmd.usage()}`);
    result.code = await spec.run(parsed, io);
  });
  return cmd;
}

/** A command holding subcommands: without one it prints its help (exit 2), a mistyped one gets a suggestion. */
function buildGroup(spec: GroupSpec, io: CliIo, result: { code: number }): Command {
  const cmd = new Command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary)
    .usage('<command> [options]')
    .argument('[command]')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpCommand(true);
  for (const child of spec.commands) cmd.addCommand(build(child, io, result));
  cmd.action(() => groupAction(cmd, io, result));
  return cmd;
}

/** What a group does when no subcommand matched: the root and `grant` behave alike. */
export function groupAction(cmd: Command, io: CliIo, result: { code: number }, names?: string[]): void {
  const [operand] = split(cmd).operands;
  if (operand === undefined) {
    io.out(cmd.helpInformation());
    result.code = 2;
    return;
  }
  const path = commandPath(cmd);
  const label = path ? `${path} subcommand` : 'command';
  const known = names ?? cmd.commands.map((c) => c.name());
  throw new UsageError(
    [{ name: operand, message: `Unknown ${label} '${operand}'.`, suggestion: closest(operand, known) }],
    path,
    `${path ? `${path} ` : ''}<command> [options]`,
  );
}

export function build(spec: CommandSpec, io: CliIo, result: { code: number }): Command {
  return isGroup(spec) ? buildGroup(spec, io, result) : buildLeaf(spec, io, result);
}

/** Help on stdout, commander's own errors as usage errors naming what was typed. */
export function configure(cmd: Command, io: CliIo): Command {
  // Subcommands listed with their positional arguments, which commander only knows as optional.
  cmd.configureHelp({
    subcommandTerm: (c) => [c.name(), ...c.registeredArguments.map((a) => `<${a.name()}>`)].join(' '),
  });
  cmd.exitOverride().configureOutput({
    writeOut: (text) => io.out(text),
    writeErr: (text) => io.err(text),
    outputError: () => undefined,
  });
  for (const child of cmd.commands) configure(child, io);
  return cmd;
}

/** Runs commander over `args`; help and version exit 0, its parse errors become a UsageError. */
export async function parse(program: Command, args: string[], result: { code: number }): Promise<number> {
  try {
    await program.parseAsync(args, { from: 'user' });
    return result.code;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0)
      return 0;
    const message = error.message.replace(/^error: /, '');
    const name = /'(-[^ ']+)/.exec(message)?.[1] ?? '';
    throw new UsageError([{ name, message: message.charAt(0).toUpperCase() + message.slice(1) }]);
  }
}

/** Parses and runs one command on its own (tests, and each command's exported runner). */
export function runSpec(spec: CommandSpec, args: string[], io: CliIo): Promise<number> {
  const result = { code: 0 };
  const root = new Command('mie-watchdog');
  root.addCommand(build(spec, io, result));
  configure(root, io);
  return parse(root, [spec.name, ...args], result);
}
