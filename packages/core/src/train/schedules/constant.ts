import { defineLrSchedule } from './schedule';

/** No schedule: every epoch uses the base rate (the reference's CIFAR-10 runs). */
export const constantSchedule = defineLrSchedule({
  name: 'constant',
  meta: { description: 'the base learning rate at every epoch', options: {}, reference: 'no scheduler' },
  lr: (_options, baseLr) => () => baseLr,
});
