import { type JetStreamClient, manager, type NatsConnection } from '@sightline/nats';

export interface StreamBounds {
  /** First sequence the stream still holds (older ones aged out). */
  firstSeq: number;
  lastSeq: number;
}

/** First and last sequence of a stream, read from JetStream each time (replicas share no state). */
export class StreamPositions {
  private jsm: Awaited<ReturnType<typeof manager>> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    readonly js: JetStreamClient,
  ) {}

  async info(stream: string): Promise<StreamBounds> {
    this.jsm ??= await manager(this.nc);
    const { state } = await this.jsm.streams.info(stream);
    return { firstSeq: state.first_seq, lastSeq: state.last_seq };
  }
}
