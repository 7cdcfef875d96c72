// Writes dist/tdaemon-pipe-holder-x64: the supervisor's pipe holder
// (src/os/pipe-holder.ts), a static x86-64 Linux program of 185 bytes that
// only waits for a signal, forever. It holds the FIFOs it inherits as
// descriptors 3, 4, ... and never touches them. sleep(1) does the same job
// for about 1.6 MiB of VmRSS (the dynamic loader and libc); this one maps
// one page of its file and its stack: 12 kB. Built here from the listing
// below, so nothing binary is kept in the repository; a machine that is not
// x86-64, or a dist/ that cannot execute, falls back to sleep(1).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const BASE = 0x400000; // where the one segment is loaded (a fixed-address ELF, not PIE)
const HEADERS = 64 + 2 * 56; // ELF header, then two program headers

// loop: mov eax, 34 (pause)  b8 22 00 00 00
//       syscall              0f 05
//       jmp loop             eb f7   (back 9 bytes: any return, e.g. EINTR after SIGCONT, waits again)
const code = Buffer.from([0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7]);

function buildPauseElf() {
  const size = HEADERS + code.length;
  const elf = Buffer.alloc(size);
  // ELF header: 64-bit, little-endian, version 1, System V ABI.
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  elf.writeUInt16LE(2, 16); // e_type: ET_EXEC
  elf.writeUInt16LE(62, 18); // e_machine: EM_X86_64
  elf.writeUInt32LE(1, 20); // e_version
  elf.writeBigUInt64LE(BigInt(BASE + HEADERS), 24); // e_entry: the code, right after the headers
  elf.writeBigUInt64LE(64n, 32); // e_phoff
  elf.writeBigUInt64LE(0n, 40); // e_shoff: no section headers
  elf.writeUInt32LE(0, 48); // e_flags
  elf.writeUInt16LE(64, 52); // e_ehsize
  elf.writeUInt16LE(56, 54); // e_phentsize
  elf.writeUInt16LE(2, 56); // e_phnum
  elf.writeUInt16LE(64, 58); // e_shentsize
  elf.writeUInt16LE(0, 60); // e_shnum
  elf.writeUInt16LE(0, 62); // e_shstrndx
  // PT_LOAD: the whole file, readable and executable.
  const load = 64;
  elf.writeUInt32LE(1, load); // p_type: PT_LOAD
  elf.writeUInt32LE(5, load + 4); // p_flags: R + X
  elf.writeBigUInt64LE(0n, load + 8); // p_offset
  elf.writeBigUInt64LE(BigInt(BASE), load + 16); // p_vaddr
  elf.writeBigUInt64LE(BigInt(BASE), load + 24); // p_paddr
  elf.writeBigUInt64LE(BigInt(size), load + 32); // p_filesz
  elf.writeBigUInt64LE(BigInt(size), load + 40); // p_memsz
  elf.writeBigUInt64LE(0x1000n, load + 48); // p_align
  // PT_GNU_STACK: a stack that is not executable.
  const stack = 64 + 56;
  elf.writeUInt32LE(0x6474e551, stack); // p_type: PT_GNU_STACK
  elf.writeUInt32LE(6, stack + 4); // p_flags: R + W
  elf.writeBigUInt64LE(16n, stack + 48); // p_align
  code.copy(elf, HEADERS);
  return elf;
}

const file = path.join(__dirname, '..', 'dist', 'tdaemon-pipe-holder-x64');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(`${file}.tmp`, buildPauseElf(), { mode: 0o755 });
fs.chmodSync(`${file}.tmp`, 0o755);
fs.renameSync(`${file}.tmp`, file);
