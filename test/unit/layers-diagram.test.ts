import { layersDiagram, readmeDiagram } from '../../scripts/layers-diagram';

/** The README's Layout picture is what dependency-cruiser sees today, not what someone once drew. */
test('the README\'s layers diagram is the one npm run layers:diagram generates from the code', () => {
  expect(readmeDiagram()).toBe(layersDiagram());
}, 60_000);
