// Cartpole is the classic cart-pole balancing task as a Gymnasium
// environment written in Go: the dynamics, bounds and rewards of
// Gymnasium's CartPole-v1 (Barto, Sutton and Anderson's cart-pole with Euler
// integration), driven by reactor_frame.sim.GoEnv.
//
// Actions: 0 pushes the cart left, 1 pushes it right. Observation: cart
// position, cart velocity, pole angle (radians), pole angular velocity.
// Reward 1 for every step, the last included; the episode terminates when
// the pole leans more than 12 degrees or the cart leaves the track (|x| >
// 2.4), and is truncated after 500 steps. Frames are 600 x 400 RGB.
package main

import (
	"math"
	"math/rand/v2"

	"reactorframe/guest"
)

// Physical constants of CartPole-v1.
const (
	gravity        = 9.8
	massCart       = 1.0
	massPole       = 0.1
	totalMass      = massCart + massPole
	halfPoleLength = 0.5
	poleMassLength = massPole * halfPoleLength
	forceMag       = 10.0
	tau            = 0.02 // seconds per step

	thetaThreshold = 12 * 2 * math.Pi / 360
	xThreshold     = 2.4
	maxSteps       = 500

	width, height = 600, 400
)

type cartPole struct {
	x, xDot, theta, thetaDot float64
	steps                    int
}

func (c *cartPole) Spec() guest.Spec {
	inf := float32(math.Inf(1))
	high := []float32{xThreshold * 2, inf, thetaThreshold * 2, inf}
	low := []float32{-high[0], -inf, -high[2], -inf}
	return guest.Spec{
		Action:       guest.DiscreteSpace(2),
		Observation:  guest.BoxSpace(low, high),
		RenderWidth:  width,
		RenderHeight: height,
		RenderFPS:    50,
	}
}

// Reset draws each state variable uniformly from [-0.05, 0.05), rounded to
// float32 so that the observation is the exact state.
func (c *cartPole) Reset(seed int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	draw := func() float64 { return float64(float32(rng.Float64()*0.1 - 0.05)) }
	c.x, c.xDot, c.theta, c.thetaDot = draw(), draw(), draw(), draw()
	c.steps = 0
}

func (c *cartPole) Step(action guest.Action) (float64, bool, bool) {
	force := -forceMag
	if action.Index == 1 {
		force = forceMag
	}
	cos, sin := math.Cos(c.theta), math.Sin(c.theta)
	temp := (force + poleMassLength*c.thetaDot*c.thetaDot*sin) / totalMass
	thetaAcc := (gravity*sin - cos*temp) /
		(halfPoleLength * (4.0/3.0 - massPole*cos*cos/totalMass))
	xAcc := temp - poleMassLength*thetaAcc*cos/totalMass

	c.x += tau * c.xDot
	c.xDot += tau * xAcc
	c.theta += tau * c.thetaDot
	c.thetaDot += tau * thetaAcc
	c.steps++

	terminated := c.x < -xThreshold || c.x > xThreshold ||
		c.theta < -thetaThreshold || c.theta > thetaThreshold
	return 1, terminated, c.steps >= maxSteps
}

func (c *cartPole) Observe(obs []float32) {
	obs[0], obs[1], obs[2], obs[3] = float32(c.x), float32(c.xDot), float32(c.theta), float32(c.thetaDot)
}

// Render draws the track, the cart and the pole on a white background.
func (c *cartPole) Render(frame []byte) {
	for i := range frame {
		frame[i] = 255
	}
	scale := float64(width) / (xThreshold * 2)
	cartY := 100.0 // from the bottom
	cartX := c.x*scale + width/2
	fill(frame, func(px, py float64) bool { return math.Abs(py-cartY) < 0.5 }, 0, 0, 0)
	fill(frame, func(px, py float64) bool {
		return math.Abs(px-cartX) <= 25 && py >= cartY-15 && py <= cartY+15
	}, 0, 0, 0)
	poleLen := scale * 2 * halfPoleLength
	dirX, dirY := math.Sin(c.theta), math.Cos(c.theta)
	baseY := cartY + 7.5
	fill(frame, func(px, py float64) bool {
		along := (px-cartX)*dirX + (py-baseY)*dirY
		across := (px-cartX)*dirY - (py-baseY)*dirX
		return along >= 0 && along <= poleLen && math.Abs(across) <= 5
	}, 202, 152, 101)
	fill(frame, func(px, py float64) bool {
		return (px-cartX)*(px-cartX)+(py-baseY)*(py-baseY) <= 25
	}, 129, 132, 203)
}

// fill paints the pixels whose centre satisfies inside (y counted up from
// the bottom edge) with the colour r, g, b.
func fill(frame []byte, inside func(px, py float64) bool, r, g, b byte) {
	for row := 0; row < height; row++ {
		py := float64(height-row) - 0.5
		for col := 0; col < width; col++ {
			if inside(float64(col)+0.5, py) {
				i := (row*width + col) * 3
				frame[i], frame[i+1], frame[i+2] = r, g, b
			}
		}
	}
}

func main() {
	guest.RegisterEnv(&cartPole{})
}
