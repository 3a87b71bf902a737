export { cocoLabels } from '@sightline/contracts';

/** Classes whose crops get level-02 vehicle attributes (body colour, size class). */
export const vehicleLabels: ReadonlySet<string> = new Set([
  'bicycle',
  'car',
  'motorcycle',
  'bus',
  'train',
  'truck',
]);
