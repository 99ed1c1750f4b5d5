import type { Frame } from './round';

/** Pixels per metre of the side view. */
const SCALE = 110;

/**
 * Draws one frame of the side view: the ground with a tick per metre, and each capsule as a
 * round-capped line as thick as the capsule. The camera follows the first capsule (the torso),
 * so the ticks sliding by show the speed.
 */
export function drawFrame(canvas: HTMLCanvasElement, frame: Frame, color: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const torso = frame[0] ?? [0, 0, 0, 0, 0];
  const cameraX = (torso[0]! + torso[2]!) / 2;
  const groundY = height - 28;
  const px = (x: number) => width / 2 + (x - cameraX) * SCALE;
  const pz = (z: number) => groundY - z * SCALE;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#8a9a7b';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, groundY);
  ctx.lineTo(width, groundY);
  ctx.stroke();
  ctx.fillStyle = '#6b7785';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  const span = width / 2 / SCALE;
  for (let m = Math.ceil(cameraX - span); m <= Math.floor(cameraX + span); m++) {
    ctx.beginPath();
    ctx.moveTo(px(m), groundY);
    ctx.lineTo(px(m), groundY + 6);
    ctx.stroke();
    ctx.fillText(`${m} m`, px(m), groundY + 19);
  }
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineCap = 'round';
  for (const [x1, z1, x2, z2, r] of frame) {
    if (x1 === x2 && z1 === z2) {
      ctx.beginPath();
      ctx.arc(px(x1!), pz(z1!), r! * SCALE, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.lineWidth = 2 * r! * SCALE;
      ctx.beginPath();
      ctx.moveTo(px(x1!), pz(z1!));
      ctx.lineTo(px(x2!), pz(z2!));
      ctx.stroke();
    }
  }
}

/**
 * Replays episodes side by side in real time (`dt` seconds per frame), looping; returns a
 * function that stops the replay.
 */
export function replay(
  panels: readonly { canvas: HTMLCanvasElement; frames: readonly Frame[]; color: string }[],
  dt: number,
): () => void {
  let stopped = false;
  const started = performance.now();
  const tick = (now: number) => {
    if (stopped) return;
    for (const { canvas, frames, color } of panels) {
      // hold the last frame for half a second before the loop starts again
      const n = frames.length + Math.round(0.5 / dt);
      // an animation frame's timestamp may precede `started` (it is the frame's start time)
      const elapsed = Math.max(0, now - started) / 1000;
      const i = Math.min(Math.floor(elapsed / dt) % n, frames.length - 1);
      drawFrame(canvas, frames[i]!, color);
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    stopped = true;
  };
}
