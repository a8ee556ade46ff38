// Cell renderers for the posts grid. Values are rendered by React as text; links only for http(s).
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.PostLink = function (props) {
  var url = props.value;
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) {
    return null;
  }
  return React.createElement("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, "open ↗");
};
