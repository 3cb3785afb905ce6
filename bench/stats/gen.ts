import { ensureData, rowsArg } from './data.ts';
const t0 = performance.now();
console.log(await ensureData(rowsArg(process.argv)), ((performance.now() - t0) / 1000).toFixed(1), 's');
