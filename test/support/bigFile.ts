/**
 * Big files for end-to-end tests, made on the spot rather than kept in the repository: the same seed
 * and size give the same bytes on every machine, written a block at a time (memory stays flat).
 */
import { createCipheriv, createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { open } from "node:fs/promises"

const blockSize = 1024 * 1024
const sectorSize = 512

/**
 * Writes `bytes` bytes to `path`, the same for the same `seed`, and resolves to their SHA-256 (hex).
 * Every 1 MiB block is one random block (AES-CTR of the seed) with each 512-byte sector stamped with the
 * block's number: bytes put at a wrong offset, even a whole number of blocks away, change the hash.
 * Generating takes a fraction of the time writing does; each block is written while the next is made.
 */
export const writeBigFile = async (
  path: string,
  bytes: number,
  seed: string | number = 0
): Promise<string> => {
  const key = createHash("sha256").update(`writeBigFile:${seed}`).digest()
  const random = createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(blockSize))
  const buffers = [Buffer.alloc(blockSize), Buffer.alloc(blockSize)]
  const hash = createHash("sha256")
  const file = await open(path, "w")
  try {
    let writing: Promise<unknown> = Promise.resolve()
    for (let block = 0; block * blockSize < bytes; block++) {
      const buffer = buffers[block % 2] as Buffer
      random.copy(buffer)
      for (let at = 0; at < blockSize; at += sectorSize) {
        buffer.writeUInt32LE((random.readUInt32LE(at) ^ block) >>> 0, at)
      }
      const piece = buffer.subarray(0, Math.min(blockSize, bytes - block * blockSize))
      hash.update(piece)
      // the other buffer is free once its write is done
      await writing
      writing = file.write(piece)
    }
    await writing
  } finally {
    await file.close()
  }
  return hash.digest("hex")
}

/** The SHA-256 (hex) of the file at `path`, read as a stream. */
export const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    createReadStream(path, { highWaterMark: blockSize })
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })

/** `size` bytes, the same for the same `seed` (a linear congruential generator): bodies for the fakes. */
export const seededBytes = (size: number, seed: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    bytes[i] = x >>> 24
  }
  return bytes
}
