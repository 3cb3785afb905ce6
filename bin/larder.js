#!/usr/bin/env node
// The larder CLI. Node >= 22 runs the TypeScript sources directly (type stripping).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`larder: needs Node.js 22 or newer (this is ${process.version}); inside the larder project run it as \`npx larder\`, which uses the project's Node 22`);
  process.exit(2);
}
import('../offline/cli/main.ts').then((m) => m.main(process.argv.slice(2))).then(
  (code) => process.exit(code ?? 0),
  (e) => {
    console.error(`larder: internal error: ${e?.stack ?? e}`);
    process.exit(70);
  },
);
