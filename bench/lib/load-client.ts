import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { EngineJob, EngineResult, HttpJob, HttpResult, WorkerRequest, WorkerResponse } from './load-protocol.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The parent side of the load generator process (load-worker.ts). */
export class LoadGenerator {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor() {
    this.child = fork(resolve(import.meta.dirname, 'load-worker.ts'), [], {
      execArgv: ['--import', 'tsx', '--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: WorkerResponse) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`load generator: ${message.error}`));
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited with code ${code}`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private call<T>(message: WithoutId<WorkerRequest>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise as (value: unknown) => void, reject });
      this.child.send({ ...message, id } as WorkerRequest);
    });
  }

  http(job: HttpJob): Promise<HttpResult> {
    return this.call<HttpResult>({ kind: 'http', job });
  }

  engine(job: EngineJob): Promise<EngineResult> {
    return this.call<EngineResult>({ kind: 'engine', job });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    await this.call({ kind: 'exit' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
