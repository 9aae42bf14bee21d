return LlamaAspire.ModelBuilder.Cli.CliApp.Run(args);
