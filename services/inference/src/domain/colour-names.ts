/** The colour words attributes use. */
export type ColourName =
  | 'black'
  | 'white'
  | 'gray'
  | 'red'
  | 'orange'
  | 'brown'
  | 'yellow'
  | 'green'
  | 'blue'
  | 'purple'
  | 'pink';

/**
 * Name an sRGB colour from its HSV: dark → black; unsaturated → white or gray by brightness;
 * otherwise by hue band (orange that is dark reads as brown).
 */
export function colourName(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;
  if (value < 0.22) return 'black';
  if (saturation < 0.2 || max - min < 20) return value > 0.78 ? 'white' : value < 0.35 ? 'black' : 'gray';
  const hue = hueOf(r, g, b, max, min);
  if (hue < 15 || hue >= 340) return value < 0.45 ? 'brown' : 'red';
  if (hue < 40) return value < 0.6 ? 'brown' : 'orange';
  if (hue < 70) return value < 0.5 ? 'brown' : 'yellow';
  if (hue < 165) return 'green';
  if (hue < 255) return 'blue';
  if (hue < 290) return 'purple';
  return 'pink';
}

function hueOf(r: number, g: number, b: number, max: number, min: number): number {
  const d = max - min;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}
