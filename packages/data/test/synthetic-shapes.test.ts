import { describeBackends } from '@simclr/test-utils';
import { expect, it } from 'vitest';
import { SHAPE_CLASSES, syntheticShapes } from '../src/index.js';

describeBackends('syntheticShapes', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('draws balanced, labelled shapes that do not depend on the reading order', async () => {
    const ds = await syntheticShapes({ size: 20, imageSize: 16, seed: 3 });
    expect(ds.size).toBe(20);
    expect(ds.imageShape).toEqual([16, 16, 3]);
    expect(ds.classNames).toEqual(SHAPE_CLASSES);
    const a = await ds.get([7, 3]);
    const b = await ds.get([3, 7]);
    const pa = (await a.images.data()) as Float32Array;
    const pb = (await b.images.data()) as Float32Array;
    expect([...pa.subarray(0, 768)]).toEqual([...pb.subarray(768)]);
    expect([...(await a.labels!.data())]).toEqual([2, 3]);
    // Two colours per image: the shape, bright, over the background, dark.
    const first = [...new Set(pa.subarray(0, 768))];
    expect(first.length).toBe(6);
    expect(Math.min(...pa)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pa)).toBeLessThanOrEqual(1);
    for (const t of [a.images, a.labels!, b.images, b.labels!]) t.dispose();
  });

  it('changes with the seed, and gives gray images with channels = 1', async () => {
    const one = await (await syntheticShapes({ size: 4, seed: 1, channels: 1, numClasses: 2 })).get([0]);
    const two = await (await syntheticShapes({ size: 4, seed: 2, channels: 1, numClasses: 2 })).get([0]);
    expect(one.images.shape).toEqual([1, 32, 32, 1]);
    expect([...(await one.images.data())]).not.toEqual([...(await two.images.data())]);
    for (const t of [one.images, one.labels!, two.images, two.labels!]) t.dispose();
    await expect(syntheticShapes({ numClasses: 6 })).rejects.toThrow(
      'numClasses must be an integer >= 2 and <= 5, got 6',
    );
  });
});
