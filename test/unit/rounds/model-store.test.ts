import { describe, expect, it } from 'vitest';
import { blobFloat32, packPlain, roundModel, unpackPlain } from '../../../src-main/core/rounds/model-store';
import { newProject } from '../../helpers/project';
import { seedProject, storeRound } from './fixtures';

describe('model-store', () => {
  it('round-trips plain data with typed arrays of any kind', () => {
    const value = {
      kind: 'iforest',
      dim: 3,
      roots: Int32Array.from([0, 5, -1]),
      value: Float64Array.from([0.1, Math.PI, -1e300]),
      small: Uint8Array.from([1, 2, 3]),
      nested: [{ w: Float32Array.from([1.5, -2]) }, 'x', null, true],
    };
    const { json, blob } = packPlain(value);
    // Copy into an odd offset: stored blobs need not be aligned.
    const shifted = new Uint8Array(blob.length + 1).subarray(1);
    shifted.set(blob);
    expect(unpackPlain(json, shifted)).toEqual(value);
    expect(() => packPlain({ x: NaN })).toThrow(/not finite/);
    expect(Array.from(blobFloat32(Buffer.from(Float32Array.from([1, NaN, 3]).buffer)))).toEqual([1, NaN, 3]);
  });

  it("reads a round's stored model", () => {
    const p = newProject();
    const { ids } = seedProject(p.db, 50);
    storeRound(p.db, Float32Array.from(ids, (id) => id));
    const store = (topology: string, weights: Float32Array) =>
      p.db.prepare('UPDATE models SET topology = ?, weights = ? WHERE round_id = 1').run(topology, Buffer.from(weights.buffer));
    store('{"kind":"rosas","layers":[]}', Float32Array.from([1, 2]));
    expect(roundModel(p.db, 1)).toEqual({ kind: 'rosas', topology: { kind: 'rosas', layers: [] }, weights: Float32Array.from([1, 2]) });
    store('{"kind":"svm"}', new Float32Array(0));
    expect(() => roundModel(p.db, 1)).toThrow(/unknown model kind svm/);
    expect(() => roundModel(p.db, 2)).toThrow(/no round 2/);
    p.close();
  });
});
