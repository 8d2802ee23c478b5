import { createRng, type ImageBatch, simclrAugment, twoViews } from '@simclr/augment';
import * as tf from '@tensorflow/tfjs-core';
import { fashionMnistSplit } from './fashion-mnist.js';
import { decodeImage, drawPixels, fetchImage, firstOfEachClass, type HostImage } from './host-image.js';
import { clearError, showError } from './show-error.js';

/** Pairs of views shown. */
const PAIRS = 8;
/** Side of the views of colour pictures; Fashion-MNIST views keep their 28 pixels. */
const PHOTO_VIEW_SIDE = 96;

/**
 * The augmentation explorer: 8 pairs of views that `twoViews(simclrAugment(...))` makes from one picture
 * (a Fashion-MNIST image, the bundled colour picture, or one dropped on the page), with sliders for the
 * colour strength, the smallest crop area and the blur probability. A slider keeps the seed, so the same
 * random draws are shown with the new setting; "New draw" changes the seed.
 */
export async function createAugmentExplorer(root: HTMLElement): Promise<void> {
  const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const source = $<HTMLSelectElement>('explorer-source');
  const file = $<HTMLInputElement>('explorer-file');
  const drop = $<HTMLElement>('explorer-drop');
  const strength = $<HTMLInputElement>('explorer-strength');
  const scale = $<HTMLInputElement>('explorer-scale');
  const blur = $<HTMLInputElement>('explorer-blur');
  const redraw = $<HTMLButtonElement>('explorer-redraw');
  const original = $<HTMLCanvasElement>('explorer-original');
  const view = root.querySelector<HTMLElement>('.explorer-view')!;
  const pairs = $<HTMLElement>('explorer-pairs');
  const describe = $<HTMLElement>('explorer-describe');

  const images: HostImage[] = [
    await fetchImage(`${import.meta.env.BASE_URL}sample-photo.png`, 'Colour picture (bundled)'),
    ...(await firstOfEachClass(await fashionMnistSplit('test'))),
  ];
  let seed = 1;

  const addOption = (image: HostImage) => {
    const option = document.createElement('option');
    option.value = String(images.indexOf(image));
    option.textContent = image.label;
    source.append(option);
  };
  for (const image of images) addOption(image);

  const render = () => {
    const image = images[Number(source.value)]!;
    const { height, width, channels } = image;
    const side = channels === 1 ? height : PHOTO_VIEW_SIDE;
    const settings = {
      strength: strength.valueAsNumber,
      scale: [scale.valueAsNumber, 1] as [number, number],
      blurP: blur.valueAsNumber,
    };
    for (const input of [strength, scale, blur]) {
      input.nextElementSibling!.textContent = input.value;
    }
    const augment = simclrAugment({ size: side, ...settings });
    let views: [Float32Array, Float32Array] | undefined;
    tf.tidy(() => {
      const one = tf.tensor4d(image.pixels, [1, height, width, channels]);
      const batch = tf.tile(one, [PAIRS, 1, 1, 1]) as ImageBatch;
      const [a, b] = twoViews(augment, batch, createRng(seed));
      views = [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
    });
    drawPixels(original, image.pixels, height, width, channels);
    const per = side * side * channels;
    const canvases = [...pairs.querySelectorAll('canvas')];
    if (canvases.length !== 2 * PAIRS) {
      pairs.replaceChildren();
      for (let i = 0; i < PAIRS; i++) {
        const pair = document.createElement('div');
        pair.className = 'pair';
        pair.append(document.createElement('canvas'), document.createElement('canvas'));
        pairs.append(pair);
      }
    }
    pairs.querySelectorAll('canvas').forEach((canvas, j) => {
      const view = views![j % 2]!;
      const i = Math.floor(j / 2);
      drawPixels(canvas, view.subarray(i * per, (i + 1) * per), side, side, channels);
    });
    pairs.dataset.small = String(side < 64);
    view.dataset.small = String(height < 64);
    describe.textContent = augment.describe();
    root.dataset.pairs = String(PAIRS);
    root.dataset.source = image.label;
  };

  const safeRender = () => {
    try {
      clearError(root);
      render();
    } catch (error) {
      showError(root, error);
    }
  };
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      safeRender();
    });
  };

  const addFile = async (blob: File) => {
    const image = await decodeImage(blob, `Your image: ${blob.name}`);
    images.push(image);
    addOption(image);
    source.value = String(images.length - 1);
    safeRender();
  };
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f !== undefined) addFile(f).catch((error: unknown) => showError(root, error));
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const f = event.dataTransfer?.files[0];
    if (f !== undefined) addFile(f).catch((error: unknown) => showError(root, error));
  });
  for (const input of [strength, scale, blur]) input.addEventListener('input', schedule);
  source.addEventListener('change', safeRender);
  redraw.addEventListener('click', () => {
    seed++;
    safeRender();
  });
  safeRender();
}
