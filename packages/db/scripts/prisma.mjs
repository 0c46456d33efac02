console.log("prisma generate: not configured yet");
