import { LarderError } from '../../src/core/errors.ts';
import { apply, APPLY_HELP } from './apply.ts';
import { type CliIo, EXIT_OK, EXIT_USAGE, EXIT_USER, oneLine, UsageError } from './cli-io.ts';
import { describe, DESCRIBE_HELP } from './describe.ts';
import { DEV_HELP, devCommand, MIGRATE_HELP, migrateCommand } from './dev.ts';
import { HISTORICAL_HELP, historicalCommand } from './historical.ts';
import { init, INIT_HELP } from './init.ts';
import { KEYS_HELP, keysCommand } from './keys.ts';
import { list, LIST_HELP } from './list.ts';
import { MATERIALIZE_HELP, MATERIALIZE_INCREMENTAL_HELP, materializeCommand, materializeIncrementalCommand } from './materialize.ts';
import { plan, PLAN_HELP } from './plan.ts';
import { quickstart, QUICKSTART_HELP } from './quickstart.ts';
import { registryDump, REGISTRY_DUMP_HELP } from './registry-dump.ts';
import { registrySchema, REGISTRY_SCHEMA_HELP } from './registry-schema.ts';
import { SERVE_HELP, serveCommand } from './serve.ts';
import { VALIDATE_HELP, validateCommand } from './validate.ts';
import { STATS_HELP, statsCommand } from './stats.ts';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  init: { run: init, help: INIT_HELP },
  plan: { run: plan, help: PLAN_HELP },
  apply: { run: apply, help: APPLY_HELP },
  list: { run: list, help: LIST_HELP },
  describe: { run: describe, help: DESCRIBE_HELP },
  'registry-dump': { run: registryDump, help: REGISTRY_DUMP_HELP },
  'registry-schema': { run: registrySchema, help: REGISTRY_SCHEMA_HELP },
  materialize: { run: materializeCommand, help: MATERIALIZE_HELP },
  'materialize-incremental': { run: materializeIncrementalCommand, help: MATERIALIZE_INCREMENTAL_HELP },
  historical: { run: historicalCommand, help: HISTORICAL_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  migrate: { run: migrateCommand, help: MIGRATE_HELP },
  dev: { run: devCommand, help: DEV_HELP },
  quickstart: { run: quickstart, help: QUICKSTART_HELP },
  keys: { run: keysCommand, help: KEYS_HELP },
  stats: { run: statsCommand, help: STATS_HELP },
};

const USAGE = `larder: a feature store (Feast semantics) for Cloudflare Workers and Node.

Usage: larder COMMAND [options]      (every repo command takes --repo DIR; default: .)

${Object.values(COMMANDS)
  .map((c) => c.help)
  .join('\n\n')}

Exit codes: 0 ok, 1 invalid definitions or other user errors, 2 wrong usage.`;

const processIo: CliIo = {
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Run the CLI; resolves to the exit code. User errors print one line each, never a stack. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`error[usage]: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')}; see larder --help)`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error[usage]: ${oneLine(e.message)} (see larder ${name} --help)`);
      return EXIT_USAGE;
    }
    if (e instanceof LarderError) {
      io.err(`error[${e.code}]: ${oneLine(e.message)}`);
      return EXIT_USER;
    }
    throw e;
  }
}

export { EXIT_OK, EXIT_USAGE, EXIT_USER };
