using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Options;

public class OptionsBindingFailureTests
{
    private static InvalidOperationException BindingException(string key, string value, Action<BinderOptions>? binder = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build();
        return Assert.Throws<InvalidOperationException>(() => configuration.GetSection("Typed").Bind(new TypedOptions(), binder ?? (_ => { })));
    }

    [Fact]
    public void The_path_and_type_are_read_from_the_exception_of_the_binder_in_use_and_the_value_is_not()
    {
        var exception = BindingException("Typed:Limits:Max", "ten-ish");

        var failure = OptionsBindingFailure.From(exception);

        Assert.Equal("Typed:Limits:Max", failure.Path);
        Assert.Equal("System.Int32", failure.TargetType);
        Assert.Equal("the value at 'Typed:Limits:Max' cannot be converted to System.Int32", failure.Description);
        Assert.DoesNotContain("ten-ish", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_of_binder_9_and_later_which_names_the_value_gives_path_and_type_only()
    {
        var failure = OptionsBindingFailure.From(new InvalidOperationException("Failed to convert configuration value '80 80' at 'Server:Port' to type 'System.Int32'."));

        Assert.Equal(("Server:Port", "System.Int32"), (failure.Path, failure.TargetType));
    }

    [Fact]
    public void The_message_of_binder_8_which_names_no_value_gives_path_and_type()
    {
        var failure = OptionsBindingFailure.From(new InvalidOperationException("Failed to convert configuration value at 'Server:Port' to type 'System.Int32'."));

        Assert.Equal(("Server:Port", "System.Int32"), (failure.Path, failure.TargetType));
    }

    [Theory]
    [InlineData("x' at 'Spoofed' to type 'System.String'.")]
    [InlineData("' at '")]
    [InlineData("' to type 'System.String'.")]
    [InlineData("Failed to convert configuration value at 'Spoofed' to type 'X'.")]
    public void A_value_that_imitates_the_message_never_becomes_the_path_or_type(string value)
    {
        var failure = OptionsBindingFailure.From(BindingException("Typed:Port", value));

        Assert.Equal(("Typed:Port", "System.Int32"), (failure.Path, failure.TargetType));
    }

    [Fact]
    public void A_path_that_contains_the_markers_is_cut_to_a_suffix_of_itself_and_never_reaches_into_the_value()
    {
        var failure = OptionsBindingFailure.From(new InvalidOperationException("Failed to convert configuration value 'secret' at 'a' at 'b' to type 'System.Int32'."));

        Assert.Equal("b", failure.Path);
    }

    [Fact]
    public void The_conversion_failure_inside_the_wrapper_of_ErrorOnUnknownConfiguration_is_found()
    {
        var exception = BindingException("Typed:Ports:0", "eleventy", binder => binder.ErrorOnUnknownConfiguration = true);

        var failure = OptionsBindingFailure.From(exception);

        Assert.Equal(("Typed:Ports:0", "System.Int32"), (failure.Path, failure.TargetType));
    }

    [Theory]
    [InlineData("Cannot create instance of type 'X' because it is either abstract or an interface.")]
    [InlineData("Failed to convert configuration value '80 80' at 'Server:Port' to type 'Sys'tem'.")]
    [InlineData("Failed to convert configuration value '80 80' to type 'System.Int32'.")]
    [InlineData("Failed to convert configuration value '80 80' at 'Server:Port' to type 'System.Int32'")]
    [InlineData("")]
    public void A_message_of_another_shape_gives_no_path_and_its_description_none_of_the_message(string message)
    {
        var failure = OptionsBindingFailure.From(new InvalidOperationException(message));

        Assert.Null(failure.Path);
        Assert.Null(failure.TargetType);
        Assert.DoesNotContain("80 80", failure.Description, StringComparison.Ordinal);
        Assert.Contains("unknown configuration path", failure.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_exactly_InvalidOperationException_is_taken_for_a_binding_failure()
    {
        Assert.True(OptionsBindingFailure.IsBindingFailure(new InvalidOperationException()));
        Assert.False(OptionsBindingFailure.IsBindingFailure(new ObjectDisposedException("provider")));
        Assert.False(OptionsBindingFailure.IsBindingFailure(new FormatException()));
    }
}
