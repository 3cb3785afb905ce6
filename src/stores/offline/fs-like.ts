/** The subset of `node:fs/promises` the folder offline writer needs (injected by Node composition roots). */
export interface FsLike {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string, options: { recursive: true }): Promise<string[]>;
}
