/**
 * Which counts of one partition may be shown (decision 30): below the threshold never, and never
 * so that a reader who knows the total can work a small group out from the others.
 */
import { describe, expect, it } from "vitest";
import { MIN_GROUP_SIZE, protectEach, protectPartition } from "~/modules/results/disclosure";

const shown = (cells: { count: number | null; hidden: string | null }[]) => cells.map((c) => c.count ?? (c.hidden === "small_group" ? "<5" : "hidden"));

describe("protectPartition", () => {
  it("shows every group of at least the threshold when nothing is hidden", () => {
    expect(shown(protectPartition([12, 5, 7]))).toEqual([12, 5, 7]);
  });

  it("keeps several small groups hidden when their sum leaves each open", () => {
    // hidden 1 + 3 + 2 = 6: each could be anything from 0 to 4
    expect(shown(protectPartition([9, 1, 3, 0, 2]))).toEqual([9, "<5", "<5", "<5", "<5"]);
  });

  it("hides the smallest shown group too when a single small group would be the total minus the others", () => {
    expect(shown(protectPartition([20, 3, 8]))).toEqual([20, "<5", "hidden"]);
  });

  it("hides more when the small groups are all empty (0) or all 4: their sum would pin each of them", () => {
    expect(shown(protectPartition([20, 10, 0, 0, 0]))).toEqual([20, "hidden", "<5", "<5", "<5"]);
    expect(shown(protectPartition([20, 4, 4, 9]))).toEqual([20, "<5", "<5", "hidden"]);
    // a protecting group of exactly 5 beside an empty one still pins it at 0: one more is hidden
    expect(shown(protectPartition([10, 5, 0]))).toEqual(["hidden", "hidden", "<5"]);
  });

  it("counts the unanswered part of an optional question: 2 who skipped it are not the total minus the answers", () => {
    expect(shown(protectPartition([11, 7], 2))).toEqual([11, "hidden"]);
    expect(shown(protectPartition([11, 7], 9))).toEqual([11, 7]);
    expect(shown(protectPartition([11, 3], 2))).toEqual([11, "<5"]);
  });

  it("hides each small group of a multiple-choice question on its own (no partition)", () => {
    expect(shown(protectEach([9, 2, 0, MIN_GROUP_SIZE]))).toEqual([9, "<5", "<5", 5]);
  });
});
