using System.Text.Json.Nodes;
using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// The CloudFormation template of one function: its log group, a least-privilege execution role, the function (the Native
/// AOT <c>bootstrap</c> on <c>provided.al2023</c>, or an executable assembly on <c>dotnet10</c>, with SnapStart when asked),
/// a version and alias, a streaming function URL on the alias and the outputs a deploy prints. Built as a JSON
/// tree in a fixed order so the same <see cref="FunctionDeployment"/> always gives the same bytes.
/// </summary>
internal static class CloudFormationTemplate
{
    /// <summary>Logical ids and output names, used by the deployer and the tests as well.</summary>
    public static class Names
    {
        public const string LogGroup = "LogGroup";
        public const string Role = "ExecutionRole";
        public const string Function = "Function";
        public const string Version = "FunctionVersion";
        public const string Alias = "FunctionAlias";
        public const string Url = "FunctionUrl";
        public const string PublicUrlPermission = "PublicUrlPermission";
        public const string PublicInvokePermission = "PublicInvokePermission";
        public const string ArtifactBucket = "ArtifactBucket";
        public const string ArtifactKey = "ArtifactKey";
        public const string ImageUri = "ImageUri";
        public const string FunctionArnOutput = "FunctionArn";
        public const string FunctionUrlOutput = "FunctionUrl";
        public const string AliasArnOutput = "AliasArn";
    }

    /// <summary>The artifact's content-hashed S3 key: <c>{function}/{sha256}.zip</c>.</summary>
    public static string ArtifactKeyOf(FunctionDeployment deployment) => $"{deployment.Settings.FunctionName}/{deployment.CodeSha256}.zip";

    /// <summary>Builds the template.</summary>
    public static JsonObject Build(FunctionDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var s = deployment.Settings;
        var zip = deployment.Package.Kind == PackageKind.Zip;
        var model = deployment.ModelName is null ? "no model" : $"model {deployment.ModelName}";

        var resources = new JsonObject
        {
            [Names.LogGroup] = Resource("AWS::Logs::LogGroup", new JsonObject
            {
                ["LogGroupName"] = $"/aws/lambda/{s.FunctionName}",
                ["RetentionInDays"] = deployment.Options.LogRetentionDays,
            }),
            [Names.Role] = Resource("AWS::IAM::Role", Role()),
            [Names.Function] = Resource("AWS::Lambda::Function", Function(deployment, zip)),
            [Names.Version] = Resource("AWS::Lambda::Version", Version(deployment, zip)),
            [Names.Alias] = Resource("AWS::Lambda::Alias", Alias(deployment)),
            [Names.Url] = Resource("AWS::Lambda::Url", new JsonObject
            {
                ["TargetFunctionArn"] = Ref(Names.Function),
                ["Qualifier"] = deployment.Options.AliasName,
                ["AuthType"] = deployment.Options.FunctionUrlAuth == LambdaFunctionUrlAuth.None
                    ? LambdaDeploymentNames.FunctionUrlAuthTypes.None
                    : LambdaDeploymentNames.FunctionUrlAuthTypes.AwsIam,
                ["InvokeMode"] = LambdaDeploymentNames.InvokeModes.ResponseStream,
            }, dependsOn: Names.Alias),
        };

        if (deployment.Options.FunctionUrlAuth == LambdaFunctionUrlAuth.None)
        {
            // A public URL needs a resource policy letting anyone invoke it — through the URL only.
            resources[Names.PublicUrlPermission] = Resource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = LambdaDeploymentNames.Actions.InvokeFunctionUrl,
                ["FunctionName"] = Ref(Names.Alias),
                ["Principal"] = "*",
                ["FunctionUrlAuthType"] = LambdaDeploymentNames.FunctionUrlAuthTypes.None,
            });
            resources[Names.PublicInvokePermission] = Resource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = LambdaDeploymentNames.Actions.InvokeFunction,
                ["FunctionName"] = Ref(Names.Alias),
                ["Principal"] = "*",
                ["InvokedViaFunctionUrl"] = true,
            });
        }

        var parameters = zip
            ? new JsonObject
            {
                [Names.ArtifactBucket] = new JsonObject { ["Type"] = "String", ["Description"] = "The S3 bucket holding the function's zip." },
                [Names.ArtifactKey] = new JsonObject { ["Type"] = "String", ["Default"] = ArtifactKeyOf(deployment), ["Description"] = "The zip's content-hashed key." },
            }
            : new JsonObject
            {
                [Names.ImageUri] = new JsonObject { ["Type"] = "String", ["Description"] = "The function's container image (an ECR repository URI with tag or digest)." },
            };

        return new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = $"LlamaAspire function {s.FunctionName}: {RuntimeDescription(deployment)}, {model}, " +
                $"{deployment.Package.Kind} package, {s.ArchitectureName}, {s.MemorySize} MB.",
            ["Parameters"] = parameters,
            ["Resources"] = resources,
            ["Outputs"] = new JsonObject
            {
                [Names.FunctionArnOutput] = new JsonObject { ["Description"] = "The function's ARN.", ["Value"] = GetAtt(Names.Function, "Arn") },
                [Names.FunctionUrlOutput] = new JsonObject { ["Description"] = "The function URL (the alias's).", ["Value"] = GetAtt(Names.Url, "FunctionUrl") },
                [Names.AliasArnOutput] = new JsonObject { ["Description"] = "The alias's ARN.", ["Value"] = Ref(Names.Alias) },
            },
        };
    }

    private static string RuntimeDescription(FunctionDeployment deployment) =>
        deployment.Options.Runtime == LambdaDeployRuntime.Managed
            ? $"executable assembly on {LambdaDeploymentNames.Dotnet10Runtime}{(deployment.Options.SnapStart ? " with SnapStart" : "")}"
            : $"Native AOT bootstrap on {LambdaDeploymentNames.ProvidedAl2023Runtime}";

    private static JsonObject Role() => new()
    {
        ["AssumeRolePolicyDocument"] = PolicyDocument(new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = LambdaDeploymentNames.ServicePrincipal },
            ["Action"] = "sts:AssumeRole",
        }),
        ["Policies"] = new JsonArray(new JsonObject
        {
            ["PolicyName"] = "write-own-log-group",
            // Its own log group's streams only: the group's Arn attribute ends in ":*", which covers its streams.
            ["PolicyDocument"] = PolicyDocument(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("logs:CreateLogStream", "logs:PutLogEvents"),
                ["Resource"] = GetAtt(Names.LogGroup, "Arn"),
            }),
        }),
    };

    private static JsonObject Function(FunctionDeployment deployment, bool zip)
    {
        var s = deployment.Settings;
        var function = new JsonObject
        {
            ["FunctionName"] = s.FunctionName,
            ["Description"] = $"LlamaAspire {s.FunctionName} ({deployment.CodeSha256[..12]})",
            ["Role"] = GetAtt(Names.Role, "Arn"),
            ["PackageType"] = zip ? LambdaDeploymentNames.PackageTypes.Zip : LambdaDeploymentNames.PackageTypes.Image,
        };
        if (zip)
        {
            var managed = deployment.Options.Runtime == LambdaDeployRuntime.Managed;
            function["Runtime"] = managed ? LambdaDeploymentNames.Dotnet10Runtime : LambdaDeploymentNames.ProvidedAl2023Runtime;
            // An executable assembly's handler is its name (the managed runtime runs {name}.dll, whose Main talks to the
            // Runtime API); a custom runtime's is not read, by convention the bootstrap's.
            function["Handler"] = managed ? PackageContents.ManagedHandler(deployment.Package) : LambdaDeploymentNames.BootstrapFile;
            function["Code"] = new JsonObject { ["S3Bucket"] = Ref(Names.ArtifactBucket), ["S3Key"] = Ref(Names.ArtifactKey) };
        }
        else
        {
            function["Code"] = new JsonObject { ["ImageUri"] = Ref(Names.ImageUri) };
        }

        function["Architectures"] = new JsonArray(s.ArchitectureName);
        function["MemorySize"] = s.MemorySize;
        function["Timeout"] = (int)Math.Ceiling(s.Timeout.TotalSeconds);
        function["EphemeralStorage"] = new JsonObject { ["Size"] = s.EphemeralStorageMb };
        if (s.ReservedConcurrency is { } reserved)
        {
            function["ReservedConcurrentExecutions"] = reserved;
        }

        var variables = new JsonObject();
        foreach (var (key, value) in deployment.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            variables[key] = value;
        }

        function["Environment"] = new JsonObject { ["Variables"] = variables };
        function["LoggingConfig"] = new JsonObject
        {
            ["LogFormat"] = LambdaDeploymentNames.LogFormats.Json,
            ["LogGroup"] = Ref(Names.LogGroup),
        };
        if (deployment.Options.SnapStart)
        {
            // Snapshots are taken of published versions only: the Version resource below publishes one, the alias points
            // at it and the function URL is the alias's, so every invoke through the URL or the alias is a restore.
            function["SnapStart"] = new JsonObject { ["ApplyOn"] = LambdaDeploymentNames.SnapStartApplyOn.PublishedVersions };
        }

        return function;
    }

    private static JsonObject Version(FunctionDeployment deployment, bool zip)
    {
        // The description carries the code's hash, so new code replaces the version (CloudFormation publishes versions
        // only when a Version resource is created or replaced).
        var version = new JsonObject
        {
            ["FunctionName"] = Ref(Names.Function),
            ["Description"] = $"code sha256 {deployment.CodeSha256}",
        };
        if (zip)
        {
            version["CodeSha256"] = Convert.ToBase64String(Convert.FromHexString(deployment.CodeSha256));
        }

        return version;
    }

    private static JsonObject Alias(FunctionDeployment deployment)
    {
        var alias = new JsonObject
        {
            ["FunctionName"] = Ref(Names.Function),
            ["FunctionVersion"] = GetAtt(Names.Version, "Version"),
            ["Name"] = deployment.Options.AliasName,
        };
        if (deployment.Options.ProvisionedConcurrency is { } provisioned)
        {
            alias["ProvisionedConcurrencyConfig"] = new JsonObject { ["ProvisionedConcurrentExecutions"] = provisioned };
        }

        return alias;
    }

    private static JsonObject PolicyDocument(JsonObject statement) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(statement),
    };

    private static JsonObject Resource(string type, JsonObject properties, string? dependsOn = null)
    {
        var resource = new JsonObject { ["Type"] = type };
        if (dependsOn is not null)
        {
            resource["DependsOn"] = dependsOn;
        }

        resource["Properties"] = properties;
        return resource;
    }

    private static JsonObject Ref(string logicalId) => new() { ["Ref"] = logicalId };

    private static JsonObject GetAtt(string logicalId, string attribute) => new() { ["Fn::GetAtt"] = new JsonArray(logicalId, attribute) };
}
