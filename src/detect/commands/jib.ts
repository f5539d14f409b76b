import type { CommandEffect, CommandInvocation } from './types.js';

/**
 * Jib through Maven (`mvn … jib:build -Dimage=X`) or Gradle (`./gradlew jib --image=X`). Without an image on the command
 * line the name lives in pom.xml / build.gradle, which is not read: the name is reported unresolved.
 */
export function classifyJib(inv: CommandInvocation): CommandEffect[] {
  const words = inv.args.map((a) => a.text);
  const maven = inv.tool === 'mvn' || inv.tool === 'mvnw';
  const pushGoal = maven
    ? words.some((w) => w === 'jib:build' || /:jib-maven-plugin(:[^:]+)?:build$/.test(w))
    : words.some((w) => w === 'jib' || /:jib$/.test(w));
  const localGoal = maven ? words.some((w) => w === 'jib:dockerBuild' || w === 'jib:buildTar') : words.some((w) => /(^|:)jib(DockerBuild|BuildTar)$/.test(w));
  if (!pushGoal && !localGoal) return [];
  let image: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const m = /^(?:-Dimage|-Djib\.to\.image|--image)=(.*)$/.exec(w);
    if (m) image = m[1];
    else if ((w === '--image' || w === '-Dimage') && words[i + 1]) image = words[i + 1];
  }
  const tool = maven ? 'mvn jib:build' : 'gradle jib';
  const name = image ?? '<jib.to.image from build configuration>';
  if (!pushGoal) return [{ kind: 'local', tool, name, reason: 'jib dockerBuild/buildTar (not pushed)' }];
  return [{ kind: 'push', tool, refs: [name], ...(image ? {} : { notes: ['image name is set in the Maven/Gradle build configuration, which is not read'] }) }];
}
