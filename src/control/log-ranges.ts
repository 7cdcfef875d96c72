/**
 * Which bytes of a log the read and tail methods return, given its size:
 * supervisor's readFile and tailFile rules (supervisor/options.py) as pure
 * arithmetic, so the file access around them stays trivial.
 */
import { Faults, RpcFault } from './protocol';

export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * readProcessStdoutLog(name, offset, length): offset < 0 with length 0 is the
 * last -offset bytes; offset >= 0 with length 0 reads to the end; a negative
 * offset with a length, or a negative length, is BAD_ARGUMENTS. MAX caps
 * what one call returns (supervisor has no cap and would send a whole 50 MB
 * log in one response); the cap keeps the start of the range.
 */
export function planRead(size: number, offset: number, length: number, max = Infinity): ByteRange {
  let start: number;
  let end: number;
  if (offset < 0) {
    if (length !== 0) throw new RpcFault(Faults.BAD_ARGUMENTS);
    start = Math.max(0, size + offset);
    end = size;
  } else {
    if (length < 0) throw new RpcFault(Faults.BAD_ARGUMENTS);
    start = Math.min(offset, size);
    end = length === 0 ? size : Math.min(size, offset + length);
  }
  return { start, end: Math.min(end, start + max) };
}

export interface TailPlan extends ByteRange {
  /** The offset the caller passes next time: the size now. */
  next: number;
  /** True when more than LENGTH bytes arrived since OFFSET: the caller missed some. */
  overflow: boolean;
}

/** tailProcessStdoutLog(name, offset, length) -> at most LENGTH of the newest bytes after OFFSET. */
export function planTail(size: number, offset: number, length: number): TailPlan {
  let overflow = false;
  if (size > offset + length) {
    overflow = true;
    offset = size - 1;
  }
  if (offset + length > size) {
    if (offset > size - 1) length = 0;
    offset = size - length;
  }
  if (offset < 0) offset = 0;
  if (length < 0) length = 0;
  // Reading past the end returns what there is.
  return { start: offset, end: Math.min(size, offset + length), next: size, overflow };
}

/** Where `tail -f` starts: the last HEAD bytes (1024 for supervisor), or the whole file when smaller. */
export function followStart(size: number, head = 1024): number {
  return size >= head ? size - head : 0;
}
