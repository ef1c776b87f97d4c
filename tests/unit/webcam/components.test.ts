// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import CameraIndicator from '../../../src-renderer/src/components/webcam/CameraIndicator.vue';
import FaceSparklines from '../../../src-renderer/src/components/webcam/FaceSparklines.vue';
import SessionSummary from '../../../src-renderer/src/components/webcam/SessionSummary.vue';
import { SessionRecorder, topLabel } from '../../../src-renderer/src/webcam/session-recorder.ts';
import { EXPRESSIONS } from '../../../src-renderer/src/webcam/expressions.ts';

describe('webcam components', () => {
  it('shows whether the camera is on, and warns when frames are being saved', async () => {
    const w = mount(CameraIndicator, { props: { on: false, saving: false } });
    // The Node-side .vue shim types components without props; vue-tsc checks the real ones.
    const setProps = (p: { on: boolean; saving: boolean }): Promise<void> => w.setProps(p as never);
    expect(w.text()).toBe('Camera off');
    await setProps({ on: true, saving: false });
    expect(w.text()).toBe('Camera on');
    expect(w.classes()).toContain('on');
    await setProps({ on: true, saving: true });
    expect(w.text()).toContain('saving frames');
  });

  it('draws one sparkline per face, scaled to [0, 1], with the current label', () => {
    const w = mount(FaceSparklines, {
      props: { faces: [{ id: 3, label: 'happy', engagement: 0.9, history: [0, 0.5, 1], present: true }, { id: 1, label: 'sad', engagement: 0.2, history: [0.2], present: false }] },
    });
    const rows = w.findAll('[data-face-id]');
    expect(rows.map((r) => r.attributes('data-face-id'))).toEqual(['3', '1']);
    // Height 28 with a 1 px margin: y = (1 - v) * 26 + 1.
    expect(rows[0]?.find('polyline').attributes('points')).toBe('0,27 60,14 120,1');
    expect(rows[0]?.text()).toContain('happy');
    expect(rows[1]?.classes()).toContain('gone');
  });

  it('summarises a session: faces seen, mean engagement, time per expression', () => {
    const rec = new SessionRecorder(0);
    const probs = EXPRESSIONS.map((e) => (e === 'happy' ? 1 : 0));
    const face = { id: 1, box: { x: 0, y: 0, width: 10, height: 10 }, score: 1, probs, label: topLabel(probs), engagement: 0.9 };
    rec.add({ t: 0, faces: [face], classEngagement: 0.9 });
    rec.add({ t: 500, faces: [face, { ...face, id: 2 }], classEngagement: 0.9 });
    const w = mount(SessionSummary, { props: { summary: rec.summary() } });
    expect(w.get('[data-testid=summary-faces]').text()).toBe('2');
    expect(w.get('[data-testid=summary-frames]').text()).toBe('2');
    expect(w.text()).toContain('0.90');
    const happy = w.findAll('tbody tr').find((r) => r.find('th').text() === 'happy');
    // 500 ms for face 1's first frame, then 500 ms (the median gap) for each of two faces.
    expect(happy?.findAll('td').map((td) => td.text())).toEqual(['1.5', '100%']);
  });
});
