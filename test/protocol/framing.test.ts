import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  encodeFrame,
  frameParts,
  isFrameProblem,
  type FrameProblem,
} from '../../src/protocol/framing.js';

function drain(decoder: FrameDecoder): Buffer[] {
  const frames: Buffer[] = [];
  for (;;) {
    const next = decoder.next();
    if (next === null) return frames;
    assert.ok(!isFrameProblem(next), 'unexpected problem');
    frames.push(next as Buffer);
  }
}

// A small deterministic generator so a failing fuzz case can be replayed from its seed.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('several frames in one chunk come out as views of that chunk', () => {
  const stream = Buffer.concat([encodeFrame(Buffer.from('abc')), encodeFrame(Buffer.from('de'))]);
  const decoder = new FrameDecoder({ maxFrameBytes: 100 });
  decoder.push(stream);
  const frames = drain(decoder);
  assert.deepEqual(
    frames.map((f) => f.toString()),
    ['abc', 'de'],
  );
  assert.equal(frames[0]!.buffer, stream.buffer, 'a frame inside one chunk is not copied');
  assert.equal(decoder.bufferedBytes, 0);
});

test('a frame split byte by byte, including its prefix, is reassembled', () => {
  const stream = encodeFrame(Buffer.from('hello world'));
  const decoder = new FrameDecoder({ maxFrameBytes: 100 });
  for (let i = 0; i < stream.length - 1; i++) {
    decoder.push(stream.subarray(i, i + 1));
    assert.equal(decoder.next(), null);
  }
  decoder.push(stream.subarray(stream.length - 1));
  assert.deepEqual(
    drain(decoder).map((f) => f.toString()),
    ['hello world'],
  );
});

test('an empty frame is a valid, empty frame', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 10 });
  decoder.push(encodeFrame([]));
  const frames = drain(decoder);
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.length, 0);
});

test('a frame larger than the limit is a problem, and stays one', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 4 });
  decoder.push(encodeFrame(Buffer.from('12345')));
  const problem = decoder.next() as FrameProblem;
  assert.deepEqual(problem, { kind: 'too-large', sizeBytes: 5, maxFrameBytes: 4 });
  assert.deepEqual(decoder.next(), problem);
});

test('a frame exactly at the limit is accepted', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 4 });
  decoder.push(encodeFrame(Buffer.from('1234')));
  assert.equal(drain(decoder)[0]!.toString(), '1234');
});

test('a negative size is a problem before the body arrives', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 100 });
  decoder.push(Buffer.from([0xff, 0xff]));
  assert.equal(decoder.next(), null);
  decoder.push(Buffer.from([0xff, 0xfe]));
  const problem = decoder.next();
  assert.ok(isFrameProblem(problem));
  assert.equal(problem.kind, 'negative-size');
  assert.equal(problem.sizeBytes, -2);
});

test('frameParts prefixes the total size without copying the parts', () => {
  const a = Buffer.from('ab');
  const b = Buffer.from('cde');
  const parts = frameParts([a, b]);
  assert.equal(parts.length, 3);
  assert.equal(Buffer.from(parts[0]!).readInt32BE(0), 5);
  assert.equal(parts[1], a);
  assert.equal(parts[2], b);
});

test('fuzz: random frames cut at random chunk boundaries decode identically', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = seeded(seed);
    const bodies: Buffer[] = [];
    const count = 1 + Math.floor(random() * 20);
    for (let i = 0; i < count; i++) {
      const body = Buffer.alloc(Math.floor(random() * (random() < 0.1 ? 5000 : 40)));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      bodies.push(body);
    }
    const stream = Buffer.concat(bodies.map((b) => encodeFrame(b)));
    const decoder = new FrameDecoder({ maxFrameBytes: 5000 });
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < stream.length) {
      const len = Math.floor(random() * (random() < 0.5 ? 8 : 3000));
      decoder.push(stream.subarray(pos, pos + len));
      pos += len;
      out.push(...drain(decoder));
    }
    assert.equal(out.length, bodies.length, `seed ${seed}`);
    for (let i = 0; i < bodies.length; i++) assert.ok(out[i]!.equals(bodies[i]!), `seed ${seed}`);
    assert.equal(decoder.bufferedBytes, 0, `seed ${seed}`);
  }
});
