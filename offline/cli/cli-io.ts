import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type FsError } from '../../src/core/errors.ts';
import { formatIssue, type ValidationIssue } from '../../src/core/registry/validation-issue.ts';

/** Where a command writes, and the directory it runs from (injectable for tests). */
export interface CliIo {
  readonly cwd: string;
  out(line: string): void;
  err(line: string): void;
}

export const EXIT_OK = 0;
/** Validation and other user errors (bad definitions, conflict, nothing applied). */
export const EXIT_USER = 1;
/** Wrong command line. */
export const EXIT_USAGE = 2;

/** A command-line mistake: reported on one line with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** parseArgs with the options every repo command shares, turning its errors into UsageErrors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export function printIssues(io: CliIo, issues: readonly ValidationIssue[]): void {
  for (const i of issues) io.err(formatIssue(i));
}

/** Messages quote user data (file names, CSV headers): keep an error on one line whatever they hold. */
export const oneLine = (s: string): string => s.replace(/\r\n|\r|\n/g, '\\n');

export function printError(io: CliIo, e: FsError): number {
  io.err(`error[${e.code}]: ${oneLine(e.message)}`);
  return EXIT_USER;
}

/** The repo directory: `--repo DIR` relative to the working directory, or the working directory. */
export function resolveRepo(io: CliIo, repo: string | undefined): string {
  return resolve(io.cwd, repo ?? '.');
}
