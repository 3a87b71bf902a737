import type { InputGeometry } from './types.js';

/** The grey of a letterbox's padding (YOLOX and Ultralytics both use 114). */
export const LETTERBOX_PAD = 114;

/** Where the resized picture sits in the model input. */
export type Placement = 'top-left' | 'center' | 'stretch';

export interface InputLayout {
  /** Size the source is resized to before padding. */
  resizedWidth: number;
  resizedHeight: number;
  geometry: InputGeometry;
}

/**
 * Plan the resize and padding of a source picture into a model input.
 * Letterbox: r = min(W/w, H/h), aspect kept, padded (top-left: YOLOX; center: Ultralytics).
 * Stretch: plain resize to W×H (ultraface).
 */
export function planInput(
  srcWidth: number,
  srcHeight: number,
  inputWidth: number,
  inputHeight: number,
  placement: Placement,
): InputLayout {
  if (placement === 'stretch') {
    return {
      resizedWidth: inputWidth,
      resizedHeight: inputHeight,
      geometry: {
        srcWidth,
        srcHeight,
        scaleX: inputWidth / srcWidth,
        scaleY: inputHeight / srcHeight,
        padX: 0,
        padY: 0,
      },
    };
  }
  const r = Math.min(inputWidth / srcWidth, inputHeight / srcHeight);
  const resizedWidth = clampSize(Math.round(srcWidth * r), inputWidth);
  const resizedHeight = clampSize(Math.round(srcHeight * r), inputHeight);
  const centered = placement === 'center';
  const padX = centered ? Math.floor((inputWidth - resizedWidth) / 2) : 0;
  const padY = centered ? Math.floor((inputHeight - resizedHeight) / 2) : 0;
  return {
    resizedWidth,
    resizedHeight,
    geometry: { srcWidth, srcHeight, scaleX: r, scaleY: r, padX, padY },
  };
}

function clampSize(value: number, max: number): number {
  return Math.min(max, Math.max(1, value));
}
