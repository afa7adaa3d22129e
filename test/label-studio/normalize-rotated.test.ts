import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Region } from '../../src/label-studio/rectangle-regions.js';
import { FIXTURES, normalizeFixture } from './fixtures.js';

/** A rotated region: box [x, y, width, height] in 0–1, rotation in degrees, envelope [x, y, width, height]. */
function rotated(label: string, box: number[], rotation: number, envelope: number[]): Region {
  const [x = 0, y = 0, width = 0, height = 0] = box;
  const [ex = 0, ey = 0, ew = 0, eh = 0] = envelope;
  return { label, x, y, width, height, rotation, envelope: { x: ex, y: ey, width: ew, height: eh } };
}

// The envelopes below are V8's results. An independent computation in Python (glibc libm) agrees
// to the last bit on all 25 but one (task 10959, third box: width 0.18772177428398024 there),
// where V8's Math.cos is one ulp from the correctly rounded value.
const EXPECTED = [
  {
    taskId: 10959,
    updatedAt: '2024-05-07T16:27:19.222035Z',
    taxonomyVersion: null,
    image: { url: '/image1', width: 597, height: 768 },
    classes: [],
    regions: [
      rotated('Butterfly', [0.10537066764905693, 0.7955767690059092, 0.19045470024656688, 0.08132522043893882], 328.33240366032834, [0.10537066764905693, 0.7178525869813733, 0.2170217170229906, 0.14694074027662918]),
      rotated('Butterfly', [0.32940009098188566, 0.773890916826675, 0.08108689897439085, 0.07490685233798283], 345.3894551068102, [0.32940009098188566, 0.7579911558782483, 0.10277198913080901, 0.08838433260940952]),
      rotated('Butterfly', [0.16814074232397513, 0.5743596079245723, 0.18218991060518674, 0.06298347014251024], 43.67748910099408, [0.11218573124230163, 0.5743596079245723, 0.1877217742839803, 0.1433574977374965]),
      rotated('Butterfly', [0.30320938403057035, 0.5838363860031532, 0.20075604233813224, 0.0769651412324856], 342.23785795627464, [0.30320938403057035, 0.5362288484341237, 0.2213909659269143, 0.12090384070902638]),
      rotated('Butterfly', [0.49429638892675437, 0.6900352972785491, 0.18206496297060162, 0.08717341311616272], 31.92950564568804, [0.434986876276144, 0.690035297278549, 0.2138279456465723, 0.14883421685662887]),
      rotated('Butterfly', [0.6468103397952519, 0.7858446784438823, 0.1943071404545942, 0.09019658448922113], 337.65293160159075, [0.6468103397952519, 0.728415531832492, 0.22383137648341317, 0.1408517586697493]),
      rotated('Butterfly', [0.6049619316123513, 0.5887076071320919, 0.22592789736666133, 0.09203233073342161], 29.8200989794056, [0.5460874833907846, 0.5887076071320919, 0.2548874732685494, 0.16718025890868513]),
      rotated('Butterfly', [0.651666746017654, 0.5361159152689594, 0.18479746126965071, 0.07928946314001274], 336.1575557032848, [0.651666746017654, 0.4780488185676033, 0.21025788580875623, 0.13059003459294147]),
      rotated('Butterfly', [0.46443246320419684, 0.45106472042124646, 0.19540425912727083, 0.07902688525232067], 337.1400120174298, [0.4644324632041969, 0.39205596968578105, 0.2195505995669987, 0.1318286211992512]),
      rotated('Butterfly', [0.7598520674585134, 0.36336489027356916, 0.11938399698988672, 0.05308844526472115], 37.366669412771444, [0.7184030950926683, 0.36336489027356916, 0.13633153067132933, 0.09851602894557361]),
      rotated('Butterfly', [0.21065168500909986, 0.4212411817311172, 0.16745564749294573, 0.057362074710727524], 20.284489948885266, [0.18506920042681588, 0.4212411817311172, 0.18265300441199417, 0.09893241225396314]),
      rotated('Butterfly', [0.14363293714756026, 0.3962300213482182, 0.11915638374549951, 0.04905226742477584], 333.77979179047895, [0.14363293714756026, 0.3553060241722235, 0.13477555415879194, 0.08492891356588461]),
      rotated('Butterfly', [0.34078284109276724, 0.34374720213119675, 0.11286969536977441, 0.05075603001957622], 26.915793681323294, [0.3112254336476552, 0.34374720213119675, 0.1302002426411782, 0.08497530371174578]),
      rotated('Butterfly', [0.4848512571021061, 0.34181057871272424, 0.1281844477624699, 0.05443545785644108], 357.9297680433265, [0.4848512571021061, 0.33821101122252606, 0.13063049085218523, 0.05799949516840005]),
      rotated('Butterfly', [0.11075448790299124, 0.26223004268898964, 0.11810924695730636, 0.058321716100104226], 348.4641327824787, [0.11075448790299124, 0.24386945989526695, 0.1307273911312847, 0.07550418320389629]),
      rotated('Butterfly', [0.3221282634607544, 0.2817003588118736, 0.09525783180833822, 0.03967091566694571], 311.551128617136, [0.3221282634607544, 0.22628543205092363, 0.10137535978499344, 0.08172817400923375]),
      rotated('Butterfly', [0.13723031190022744, 0.183269894830827, 0.07827840955313915, 0.02662683543188699], 330.4703599849094, [0.13723031190022744, 0.15327890588673168, 0.08499281862120166, 0.053159020845922535]),
      rotated('Butterfly', [0.29989579892390245, 0.14458788119176907, 0.08639084453736977, 0.0291730865820547], 31.038263355502693, [0.28054535494059496, 0.14458788119176907, 0.09337212005511583, 0.05962218968920809]),
      rotated('Butterfly', [0.4346448368241389, 0.1790141837418645, 0.09130796560534593, 0.031634379046159816], 339.41990113803894, [0.43464483682413885, 0.15406435965001042, 0.09978597881601182, 0.05456535046877883]),
      rotated('Butterfly', [0.5148894661528279, 0.24116887786737487, 0.12936086349288997, 0.04587691452754414], 21.99704102192817, [0.4927839331732964, 0.24116887786737487, 0.14204933949756676, 0.08020204373018502]),
      rotated('Butterfly', [0.5938044656378477, 0.1636543129623059, 0.10680017621756396, 0.042348629663430316], 32.70315774214731, [0.5643703815806356, 0.1636543129623059, 0.11930440382488423, 0.08049041201252005]),
      rotated('Butterfly', [0.7088971496817197, 0.17760302487225585, 0.11497079486796818, 0.045825222565742445], 326.33009284599666, [0.7088971496817197, 0.12805462228031386, 0.12836681015726645, 0.08768623429991562]),
      rotated('Butterfly', [0.7246525627534796, 0.28401386597771866, 0.1270809848824218, 0.04778750924358884], 342.98059490448094, [0.7246525627534796, 0.2550997555529848, 0.13950913362246678, 0.07460879818923694]),
    ],
    annotation: { task_id: 10959, annotation_id: 1552, completed_by: 1, ground_truth: false, updated_at: '2024-05-07T16:27:17.914777Z' },
    meta: {},
  },
  {
    taskId: 10960,
    updatedAt: '2024-05-07T16:22:42.134227Z',
    taxonomyVersion: null,
    image: { url: '/image2', width: 433, height: 768 },
    classes: [],
    regions: [
      rotated('Butterfly', [0.05695220963642262, 0.4359434330542485, 0.7384200723054622, 0.2443625178984779], 345.1381651311527, [0.05695220963642262, 0.32916120991714576, 0.824885020513976, 0.3429701166493711]),
    ],
    annotation: { task_id: 10960, annotation_id: 1554, completed_by: 1, ground_truth: false, updated_at: '2024-05-07T16:22:41.340242Z' },
    meta: {},
  },
  {
    taskId: 10961,
    updatedAt: '2024-05-07T16:25:17.266375Z',
    taxonomyVersion: null,
    image: { url: '/image3', width: 716, height: 768 },
    classes: [],
    regions: [
      rotated('butterfly', [0.05122369085508009, 0.4039904033820293, 0.4544645683683866, 0.19298765128510292], 348.08878456803336, [0.05122369085508009, 0.31654187185135313, 0.48740395071558595, 0.276280889015539]),
    ],
    annotation: { task_id: 10961, annotation_id: 1555, completed_by: 1, ground_truth: false, updated_at: '2024-05-07T16:25:16.451808Z' },
    meta: {},
  },
];

describe('normalizeTask on a rotated-box export (SDK YOLO OBB export, 2024)', () => {
  it('keeps each rotation and adds the axis-aligned envelope, exactly', async () => {
    expect(await normalizeFixture('sdk-yolo-obb-export-rotated.json')).toEqual(EXPECTED);
  });

  it('has envelopes that hold every corner of the rotated box and touch the outermost ones', async () => {
    const raw = JSON.parse(readFileSync(join(FIXTURES, 'sdk-yolo-obb-export-rotated.json'), 'utf8')) as RawTask[];
    const tasks = await normalizeFixture('sdk-yolo-obb-export-rotated.json');
    raw.forEach((task, t) => {
      const results = task.annotations[0]!.result;
      const regions = (tasks[t] as { regions: Region[] }).regions;
      results.forEach((result, r) => {
        const corners = cornersOf(result);
        const envelope = regions[r]!.envelope!;
        const [W, H] = [result.original_width, result.original_height];
        const xs = corners.map(([x]) => Math.min(W, Math.max(0, x)) / W);
        const ys = corners.map(([, y]) => Math.min(H, Math.max(0, y)) / H);
        expect(envelope.x).toBeCloseTo(Math.min(...xs), 12);
        expect(envelope.y).toBeCloseTo(Math.min(...ys), 12);
        expect(envelope.x + envelope.width).toBeCloseTo(Math.max(...xs), 12);
        expect(envelope.y + envelope.height).toBeCloseTo(Math.max(...ys), 12);
      });
    });
  });
});

interface RawTask {
  annotations: Array<{ result: Array<{ original_width: number; original_height: number; value: { x: number; y: number; width: number; height: number; rotation: number } }> }>;
}

/** Corners by a rotation matrix about the top-left corner, in pixels: a second derivation of the geometry. */
function cornersOf(result: RawTask['annotations'][number]['result'][number]): Array<[number, number]> {
  const { value, original_width: W, original_height: H } = result;
  const origin: [number, number] = [(value.x * W) / 100, (value.y * H) / 100];
  const [w, h] = [(value.width * W) / 100, (value.height * H) / 100];
  const t = (value.rotation / 180) * Math.PI;
  const turn = ([dx, dy]: [number, number]): [number, number] => [origin[0] + dx * Math.cos(t) - dy * Math.sin(t), origin[1] + dx * Math.sin(t) + dy * Math.cos(t)];
  return [turn([0, 0]), turn([w, 0]), turn([w, h]), turn([0, h])];
}
