// The Arrow IPC check (src/core/arrow/check-ipc.ts) over a file on disk:
// reads only the framing, the metadata and the footer (never a body), so a
// large file is not read twice. Run before apache-arrow opens the file.
import { open } from 'node:fs/promises';
import { walkArrowIpc, type ArrowIpcLimits, type ArrowIpcSummary } from '../../src/core/arrow/check-ipc.ts';
import { err, type Result } from '../../src/core/errors.ts';

/** `corrupt_file` (with the byte offset) for a corrupt Arrow file, `io_error` if it cannot be read. */
export async function checkArrowFile(path: string, limits: ArrowIpcLimits = {}): Promise<Result<ArrowIpcSummary>> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    return err('io_error', `cannot read ${path}: ${(e as Error).message.split('\n')[0]}`, { file: path });
  }
  try {
    const size = (await handle.stat()).size;
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      const buf = new Uint8Array(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    };
    const walk = walkArrowIpc(size, await read(0, Math.min(8, size)), limits);
    let step = walk.next(new Uint8Array(0));
    while (!step.done) step = walk.next(await read(step.value.offset, step.value.length));
    const r = step.value;
    if (r.ok || r.error.code !== 'invalid_arrow') return r;
    return err('corrupt_file', `${path}: ${r.error.message}`, { file: path, ...(r.error.details as object) });
  } catch (e) {
    return err('io_error', `cannot read ${path}: ${(e as Error).message.split('\n')[0]}`, { file: path });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
