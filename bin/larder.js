#!/usr/bin/env node
// The larder CLI. Node >= 22 runs the TypeScript sources directly (type stripping).
import('../offline/cli/main.ts').then((m) => m.main(process.argv.slice(2))).then(
  (code) => process.exit(code ?? 0),
  (e) => {
    console.error(`larder: internal error: ${e?.stack ?? e}`);
    process.exit(70);
  },
);
