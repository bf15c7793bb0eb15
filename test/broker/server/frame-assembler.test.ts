import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameArena } from '../../../src/broker/server/frame-arena.js';
import { FrameAssembler, type AssembledFrame } from '../../../src/broker/server/frame-assembler.js';
import { RequestMemory } from '../../../src/broker/server/request-memory.js';
import { adoptWithSharedReads } from '../../../src/broker/server/shared-reads.js';
import type { FrameProblem } from '../../../src/protocol/framing.js';
import { Socket } from 'node:net';

const PRODUCE = 0;

function frameBytes(apiKey: number, bodyBytes: number, fill: number): Buffer {
  const frame = Buffer.alloc(4 + bodyBytes, fill);
  frame.writeInt32BE(bodyBytes, 0);
  if (bodyBytes >= 2) frame.writeInt16BE(apiKey, 4);
  return frame;
}

function assembler(options: { maxFrameBytes?: number; arena?: FrameArena } = {}) {
  return new FrameAssembler({
    maxFrameBytes: options.maxFrameBytes ?? 1 << 20,
    arena: options.arena ?? new FrameArena({ slabBytes: 1 << 20 }),
    recycles: (apiKey) => apiKey === PRODUCE,
  });
}

/** Pushes `bytes` in pieces of `piece` bytes through one reused read buffer. */
function pushInPieces(a: FrameAssembler, bytes: Buffer, piece: number): void {
  const readBuffer = Buffer.alloc(piece);
  for (let at = 0; at < bytes.length; at += piece) {
    const n = bytes.copy(readBuffer, 0, at, at + piece);
    a.push(readBuffer, n);
    readBuffer.fill(0xee); // the next read overwrites it
  }
}

function drain(a: FrameAssembler): (AssembledFrame | FrameProblem)[] {
  const out: (AssembledFrame | FrameProblem)[] = [];
  for (let f = a.next(); f !== null; f = a.next()) {
    out.push(f);
    if ('kind' in f) break; // a problem repeats forever
  }
  return out;
}

test('frames come out whole and unchanged however the reads split them', () => {
  const stream = Buffer.concat([
    frameBytes(3, 10, 1),
    frameBytes(PRODUCE, 70_000, 2),
    frameBytes(18, 1, 3),
    frameBytes(PRODUCE, 5, 4),
    frameBytes(1, 0, 5),
  ]);
  for (const piece of [1, 3, 4, 5, 7, 4096, 65_536, stream.length]) {
    const a = assembler();
    pushInPieces(a, stream, piece);
    const frames = drain(a) as AssembledFrame[];
    assert.deepEqual(
      frames.map((f) => f.bytes.length),
      [10, 70_000, 1, 5, 0],
      `pieces of ${piece}`,
    );
    let at = 0;
    for (const f of frames) {
      assert.ok(f.bytes.equals(stream.subarray(at + 4, at + 4 + f.bytes.length)), `piece ${piece}`);
      at += 4 + f.bytes.length;
    }
    assert.equal(a.bufferedBytes, 0);
  }
});

test('only frames of recycling APIs get arena memory, and only up to its frame limit', () => {
  const arena = new FrameArena({ slabBytes: 64 * 1024 });
  const a = assembler({ arena });
  a.push(
    Buffer.concat([
      frameBytes(PRODUCE, 100, 1),
      frameBytes(3, 100, 2),
      frameBytes(PRODUCE, arena.maxFrameBytes + 1, 3),
    ]),
    4 + 100 + 4 + 100 + 4 + arena.maxFrameBytes + 1,
  );
  const [produce, metadata, big] = drain(a) as AssembledFrame[];
  assert.notEqual(produce!.slab, null);
  assert.equal(metadata!.slab, null);
  assert.equal(big!.slab, null);
});

test('an oversize or negative size is a problem after the frames before it', () => {
  const a = assembler({ maxFrameBytes: 1000 });
  const tooLarge = Buffer.alloc(4);
  tooLarge.writeInt32BE(1001);
  const bytes = Buffer.concat([frameBytes(18, 8, 1), tooLarge, frameBytes(18, 8, 1)]);
  a.push(bytes, bytes.length);
  const [first, problem] = drain(a);
  assert.equal((first as AssembledFrame).bytes.length, 8);
  assert.deepEqual(problem, { kind: 'too-large', sizeBytes: 1001, maxFrameBytes: 1000 });
  assert.deepEqual(a.next(), problem, 'the problem stays');

  const b = assembler();
  const negative = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
  pushInPieces(b, negative, 1);
  assert.equal((b.next() as FrameProblem).kind, 'negative-size');
});

test('announcing a huge frame reserves memory only for the bytes that arrived', () => {
  const a = assembler({ maxFrameBytes: 100 * 1024 * 1024 });
  const start = frameBytes(PRODUCE, 100 * 1024 * 1024 - 1, 0).subarray(0, 1000);
  a.push(start, start.length);
  assert.equal(a.next(), null);
  assert.equal(a.bufferedBytes, 1000);
  assert.ok(a.stagingCapacityBytes <= 64 * 1024, `${a.stagingCapacityBytes} bytes staged`);
});

test('arena slabs are reused once their frames are released', () => {
  const arena = new FrameArena({ slabBytes: 1024, maxFreeSlabs: 1 });
  const first = arena.allocate(200);
  const second = arena.allocate(200);
  assert.equal(first.slab, second.slab);
  assert.equal(second.bytes.byteOffset - first.bytes.byteOffset, 200);
  arena.release(first.slab);
  arena.release(second.slab);
  // The current slab starts over once empty.
  const third = arena.allocate(200);
  assert.equal(third.bytes.byteOffset, first.bytes.byteOffset);
  // A full slab is retired; once released it is the one taken next.
  const fourth = arena.allocate(900);
  assert.notEqual(fourth.slab, third.slab);
  arena.release(third.slab);
  assert.equal(arena.freeSlabs, 1);
  const fifth = arena.allocate(900);
  assert.equal(fifth.slab, third.slab);
  assert.equal(arena.freeSlabs, 0);
  // Free slabs beyond maxFreeSlabs are left to the garbage collector.
  const sixth = arena.allocate(900);
  arena.release(fourth.slab);
  arena.release(fifth.slab);
  assert.equal(arena.freeSlabs, 1);
  arena.release(sixth.slab);
  assert.equal(arena.freeSlabs, 1);
});

test('a socket without a handle is left to ordinary reads', () => {
  const socket = new Socket();
  const adopted = adoptWithSharedReads(socket, Buffer.alloc(16), {
    allowHalfOpen: true,
    onRead: () => assert.fail('nothing was read'),
  });
  assert.equal(adopted, null);
  assert.equal(socket.destroyed, false, 'the socket is not taken over');
  socket.destroy();
});

test('a frame spanning reads is admitted whole by the budget, or waits; every byte is given back', () => {
  const memory = new RequestMemory(300_000);
  const waiter = { memoryAvailable: () => {} };
  const budgeted = () =>
    new FrameAssembler({
      maxFrameBytes: 1 << 20,
      arena: new FrameArena({ slabBytes: 1 << 20 }),
      recycles: () => false,
      budget: {
        tryReserve: (bytes) => memory.tryReserve(bytes, waiter),
        add: (bytes) => memory.add(bytes),
        release: (bytes) => memory.release(bytes),
      },
    });
  const a = budgeted();
  const big = frameBytes(3, 200_000, 1);
  a.push(big, 1000);
  assert.equal(memory.usedBytes, 200_004, 'the whole frame is reserved at its first bytes');
  assert.equal(a.gatheringAdmittedFrame, true);
  const b = budgeted();
  b.push(big, 1000);
  assert.equal(b.awaitingMemory, true, '400,008 bytes would exceed 300,000');
  assert.equal(memory.usedBytes, 200_004 + 1000, 'only the bytes that arrived are counted');
  const rest = big.subarray(1000);
  a.push(rest, rest.length);
  const frame = a.next() as AssembledFrame;
  assert.ok(frame.bytes.equals(big.subarray(4)));
  assert.equal(memory.usedBytes, frame.chargedBytes + 1000);
  memory.release(frame.chargedBytes);
  assert.equal(b.retryAdmission(), true);
  assert.equal(memory.usedBytes, 200_004);
  b.dispose();
  a.dispose();
  assert.equal(memory.usedBytes, 0);
});

test('reaching the limit while a read is being copied leaves the buffer being filled alone', () => {
  let a: FrameAssembler | null = null;
  // As the server does: at the limit every connection drops a staging buffer kept idle.
  const memory = new RequestMemory(250_000, () => a?.releaseIdleStage());
  const waiter = { memoryAvailable: () => {} };
  a = new FrameAssembler({
    maxFrameBytes: 1 << 20,
    arena: new FrameArena({ slabBytes: 1 << 20 }),
    recycles: (apiKey) => apiKey === PRODUCE,
    budget: {
      tryReserve: (bytes) => memory.tryReserve(bytes, waiter),
      add: (bytes) => memory.add(bytes),
      release: (bytes) => memory.release(bytes),
    },
  });
  // A split Produce frame is copied to the arena; its staging buffer is kept for the next one.
  const first = frameBytes(PRODUCE, 100_000, 1);
  pushInPieces(a, first, 60_000);
  const one = a.next() as AssembledFrame;
  memory.release(one.chargedBytes);
  assert.equal(memory.usedBytes, a.stagingCapacityBytes);
  // The next split frame's reservation reaches the limit in the middle of push().
  const second = frameBytes(PRODUCE, 249_996, 2);
  pushInPieces(a, second, 60_000);
  const two = a.next() as AssembledFrame;
  assert.ok(two.bytes.equals(second.subarray(4)));
  memory.release(two.chargedBytes);
  a.releaseIdleStage();
  assert.equal(memory.usedBytes, 0);
  a.dispose();
  assert.equal(memory.usedBytes, 0);
});
