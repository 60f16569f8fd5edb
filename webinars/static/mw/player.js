/* Transcript timestamps jump the player without reloading; the links work without it (?t=). */
(function(){var v=document.getElementById("player");if(!v)return;
function go(t,play){v.currentTime=t;if(play)v.play()}
document.addEventListener("click",function(e){var a=e.target.closest&&e.target.closest("a[data-t]");if(!a)return;
e.preventDefault();go(+a.dataset.t,true);history.replaceState(null,"","#t="+a.dataset.t)});
var m=/^#t=(\d+)/.exec(location.hash);if(m){v.addEventListener("loadedmetadata",function(){go(+m[1])},{once:true})}})();
