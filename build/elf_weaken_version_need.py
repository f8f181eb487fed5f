#!/usr/bin/env python3
"""Sets VER_FLG_WEAK on one version entry of an ELF64 little-endian .gnu.version_r section, in place.

With the flag set the dynamic loader no longer refuses the library when the needed library lacks that version.
usage: elf_weaken_version_need.py <file.so> <version name, e.g. GLIBCXX_3.4.32>
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            sys.exit(f"{path}: not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        for _name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            entry = offset
            for _ in range(info):  # Elf64_Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next
                _v, count, _file, aux, next_entry = struct.unpack_from("<HHIII", elf, entry)
                at = entry + aux
                for _ in range(count):  # Elf64_Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next
                    _hash, flags, _other, name, next_aux = struct.unpack_from("<IHHII", elf, at)
                    end = elf.index(b"\0", strtab + name)
                    if elf[strtab + name:end].decode() == version:
                        struct.pack_into("<H", elf, at + 4, flags | VER_FLG_WEAK)
                        f.seek(at + 4)
                        f.write(elf[at + 4:at + 6])
                        return 0
                    at += next_aux
                entry += next_entry
    sys.exit(f"{path}: no version need entry named {version}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
