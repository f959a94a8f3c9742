/** File-system errors in words: one line for the user, without Node's temporary-file paths. */

export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  EROFS: 'a read-only file system',
  EPIPE: 'the reader closed the pipe',
  EIO: 'an input/output error',
  EFBIG: 'the file is too large',
  ENAMETOOLONG: 'the name is too long',
};

/** An fs error in words, without the temporary file's name that Node's message carries. */
export function fsReason(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  return `${REASONS[code] ?? e.message.split(',')[0]} (${code})`;
}
