import { cocoLabels } from '@sightline/contracts';
/** Class id of an edge label: its COCO index, or 80 ("not a COCO class") for anything else. */
export function classIdOf(label: string): number {
  const index = (cocoLabels as readonly string[]).indexOf(label.toLowerCase());
  return index === -1 ? cocoLabels.length : index;
}
