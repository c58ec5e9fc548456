/**
 * The image an event names (src/ir/image-key.ts): what each bundled rule's `imageKey` reads, table
 * by table, and the repository normalisation (tag, digest, docker.io/, library/ dropped).
 */
import { describe, expect, it } from 'vitest';
import { bundledRules } from '../support/rules.js';
import { imageKeyOf } from '../../src/ir/image-key.js';

const irs = new Map(bundledRules().irs.map((r) => [r.name, r]));
const keyOf = (rule: string, CommandLine: string) => imageKeyOf(irs.get(rule)!.imageKey, { CommandLine });

describe('image keys of the bundled rules', () => {
  const cases: [rule: string, commandLine: string, key: string][] = [
    // builds: the first -t/--tag
    ['docker-build-risk', 'docker build -t app:1.2 .', 'app'],
    ['docker-build-risk', 'docker build . --tag=registry.local:5000/team/app:v1', 'registry.local:5000/team/app'],
    ['docker-build-risk', 'docker build -t "ghcr.io/acme/app:latest" -t app:2 /tmp/ctx', 'ghcr.io/acme/app'],
    ['docker-build-risk', 'docker build -qt docker.io/library/alpine:3 .', 'alpine'],
    ['docker-build-risk', 'docker build -tapp .', 'app'],
    ['docker-build-risk', 'docker build --label "x -t evil" .', ''],
    ['docker-build-risk', 'docker build --no-cache .', ''],
    ['docker-build-risk', 'buildah bud -t localhost/app@sha256:abc .', 'localhost/app'],
    ['build-on-unapproved-host', '/kaniko/executor --context dir:///ws --destination reg.example/app:1', 'reg.example/app'],
    // runs: the positional image
    ['container-run-or-deploy', 'docker run --rm -v /x:/y alpine:3.19 sh', 'alpine'],
    ['container-run-or-deploy', 'docker run -d --name web -p 80:80 docker.io/library/nginx', 'nginx'],
    ['container-run-or-deploy', 'docker run --rm -t app:1.2 --tag other', 'app'],
    ['container-run-or-deploy', 'podman run docker://quay.io/org/tool:1', 'quay.io/org/tool'],
    ['container-run-or-deploy', 'docker run "localhost:5000/app:dev"', 'localhost:5000/app'],
    ['container-run-or-deploy', 'docker run localhost:5000', 'localhost'],
    ['container-run-or-deploy', 'docker exec -it web sh', ''],
    ['container-run-or-deploy', 'kubectl run x --image=evil.example/app:1', 'evil.example/app'],
    ['container-run-or-deploy', 'kubectl create deployment web --image nginx:1.27', 'nginx'],
    ['container-run-or-deploy', 'kubectl apply -f deploy.yaml', ''],
    ['docker-escape-ready-run', 'docker run --privileged -v /:/host app@sha256:0123 sh', 'app'],
  ];
  for (const [rule, cmd, key] of cases)
    it(`${rule}: ${cmd} → ${JSON.stringify(key)}`, () => {
      expect(keyOf(rule, cmd)).toBe(key);
    });
});
