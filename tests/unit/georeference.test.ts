/**
 * Issue 18, a plan's georeference by three control points: the affine map through them and its
 * inverse, checked against known transforms (a north-up plan, a rotated and scaled one), and the
 * admin's form refusing points on a line, outside the plan, and coordinates out of range.
 */
import { describe, expect, it } from "vitest";
import { affineOf, applyAffine, controlPointsProblem, pointAt, POINT_SCALE, toLonLat, type ControlPoint, type PointsGeoreference } from "~/modules/places/place";
import { readPlanForm } from "~/modules/places/plans.server";

const W = 1600;
const H = 1200;

/** A known map: the plan turned by `degrees` and scaled, anchored at 9.72 E / 52.385 N. */
function knownMap(degrees: number) {
  const a = (degrees * Math.PI) / 180;
  const scale = 0.00002; // degrees per pixel
  return (x: number, y: number): [number, number] => [9.72 + scale * (x * Math.cos(a) + y * Math.sin(a)), 52.385 + scale * (x * Math.sin(a) - y * Math.cos(a))];
}

const pointsOf = (map: (x: number, y: number) => [number, number], pixels: [number, number][]): PointsGeoreference => ({
  points: pixels.map(([x, y]) => {
    const [lon, lat] = map(x, y);
    return { x, y, lon, lat };
  }) as unknown as PointsGeoreference["points"],
  width: W,
  height: H,
});

const toUnits = (x: number, y: number) => ({ x: (x * POINT_SCALE) / W, y: (y * POINT_SCALE) / H });

describe("three control points", () => {
  it("give the same coordinates as the corners of a north-up plan", () => {
    const corners = { north: 52.385, west: 9.72, south: 52.3725, east: 9.7455 };
    const lonAt = (x: number) => corners.west + ((corners.east - corners.west) * x) / W;
    const latAt = (y: number) => corners.north - ((corners.north - corners.south) * y) / H;
    const geo = pointsOf((x, y) => [lonAt(x), latAt(y)], [
      [100, 100],
      [1500, 200],
      [800, 1100],
    ]);
    for (const p of [
      { x: 0, y: 0 },
      { x: 10000, y: 10000 },
      { x: 5000, y: 5000 },
      { x: 1234, y: 8765 },
    ])
      expect(toLonLat(geo, p)).toEqual(toLonLat(corners, p));
  });

  it("map any point of a rotated plan, and the inverse takes the coordinates back to the point", () => {
    for (const degrees of [30, 90, -135, 7]) {
      const map = knownMap(degrees);
      const geo = pointsOf(map, [
        [200, 150],
        [1400, 300],
        [700, 1000],
      ]);
      const affine = affineOf(geo);
      for (const [x, y] of [
        [0, 0],
        [1600, 1200],
        [37, 1111],
        [800, 600],
      ]) {
        const [lon, lat] = applyAffine(affine, toUnits(x, y));
        const [lonTrue, latTrue] = map(x, y);
        expect(lon).toBeCloseTo(lonTrue, 10);
        expect(lat).toBeCloseTo(latTrue, 10);
        const back = pointAt(affine, lon, lat);
        expect(back.x).toBeCloseTo(toUnits(x, y).x, 6);
        expect(back.y).toBeCloseTo(toUnits(x, y).y, 6);
      }
      // published coordinates are rounded to 4 decimals (about 10 m)
      const [lon, lat] = toLonLat(geo, { x: 5000, y: 5000 });
      expect(lon).toBe(Math.round(map(800, 600)[0] * 10_000) / 10_000);
      expect(lat).toBe(Math.round(map(800, 600)[1] * 10_000) / 10_000);
    }
  });

  it("are refused on one line, outside the plan, or with coordinates on one line", () => {
    const map = knownMap(30);
    const at = (x: number, y: number): ControlPoint => ({ x, y, lon: map(x, y)[0], lat: map(x, y)[1] });
    expect(controlPointsProblem([at(200, 150), at(1400, 300), at(700, 1000)], W, H)).toBeNull();
    expect(controlPointsProblem([at(0, 0), at(800, 600), at(1600, 1200)], W, H)).toBe("collinear");
    // nearly on a line: a triangle of less than 1 % of the plan
    expect(controlPointsProblem([at(0, 0), at(800, 610), at(1600, 1200)], W, H)).toBe("collinear");
    expect(controlPointsProblem([at(200, 150), at(200, 150), at(700, 1000)], W, H)).toBe("collinear");
    expect(controlPointsProblem([at(200, 150), at(1700, 300), at(700, 1000)], W, H)).toBe("outside");
    const [p, q, r] = [at(200, 150), at(1400, 300), at(700, 1000)];
    expect(controlPointsProblem([p, q, { ...r, lon: (p.lon + q.lon) / 2, lat: (p.lat + q.lat) / 2 }], W, H)).toBe("collinearDegrees");
  });
});

describe("the plan form's georeference", () => {
  const base: [string, string][] = [
    ["document_id", "7"],
    ["alt", "Der Plan."],
    ["columns", "8"],
    ["rows", "8"],
  ];
  const form = (extra: [string, string][]) => readPlanForm(new Map([...base, ...extra].map(([k, v]) => [k, [v]])), [7]);
  const points: [string, string][] = [
    ["p1_x", "200"],
    ["p1_y", "150"],
    ["p1_lon", "9.7241"],
    ["p1_lat", "52.3822"],
    ["p2_x", "1400"],
    ["p2_y", "300"],
    ["p2_lon", "9.7445"],
    ["p2_lat", "52.3801"],
    ["p3_x", "700"],
    ["p3_y", "1000"],
    ["p3_lon", "9.7288"],
    ["p3_lat", "52.3720"],
  ];

  it("takes three control points", () => {
    const read = form(points);
    expect(read.errors).toEqual([]);
    expect(read.settings?.geo).toEqual({
      points: [
        { x: 200, y: 150, lon: 9.7241, lat: 52.3822 },
        { x: 1400, y: 300, lon: 9.7445, lat: 52.3801 },
        { x: 700, y: 1000, lon: 9.7288, lat: 52.372 },
      ],
    });
  });

  it("says what is wrong: a missing or bad pixel, degrees out of range, corners and points together", () => {
    const fields = (read: ReturnType<typeof form>) => read.errors.map((e) => `${e.field}:${e.message}`);
    expect(fields(form(points.map(([k, v]) => [k, k === "p2_y" ? "" : k === "p1_lon" ? "181" : k === "p3_lat" ? "-90.5" : k === "p3_x" ? "-3" : v])))).toEqual([
      "p1_lon:errors.longitude",
      "p2_y:errors.pixel",
      "p3_x:errors.pixel",
      "p3_lat:errors.latitude",
    ]);
    expect(fields(form([...points, ["north", "52.4"]]))).toEqual(["north:errors.cornersOrPoints"]);
    expect(fields(form([["p1_x", "12"]]))).toContain("p3_lat:errors.latitude");
    expect(form([["p1_x", "1e3"], ...points.slice(1)]).settings).toBeNull();
  });
});
